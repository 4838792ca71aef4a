// A tiny HTTP client with one session: signs in through the JSON API and
// sends the session cookie and CSRF token with every request.
import { randomBytes } from 'node:crypto';

export class Client {
	constructor(base) {
		this.base = base;
		this.cookies = {};
		this.csrf = null;
		// A pre-session CSRF pair (double submit) for forms before sign-in.
		this.preCsrf = randomBytes(32).toString('base64url');
	}

	cookieHeader() {
		const c = { cchc_csrf: this.preCsrf, ...this.cookies };
		return Object.entries(c).map(([k, v]) => `${k}=${v}`).join('; ');
	}

	keepCookies(res) {
		for (const line of res.headers.getSetCookie()) {
			const [pair, ...attrs] = line.split(';');
			const i = pair.indexOf('=');
			const name = pair.slice(0, i), value = pair.slice(i + 1);
			if (attrs.some((a) => /^\s*Max-Age=0$/i.test(a)) || value === '')
				delete this.cookies[name];
			else
				this.cookies[name] = value;
		}
	}

	// request('POST', '/api/v1/x', { json: {...} } | { form: {...} } | { multipart: FormData })
	async request(method, path, { json, form, multipart, headers = {} } = {}) {
		const h = { cookie: this.cookieHeader(), ...headers };
		let body;
		if (multipart !== undefined) {
			// fetch writes the boundary; the CSRF field goes first, as a browser's form.
			body = new FormData();
			body.append('csrf', this.csrf || this.preCsrf);
			for (const [k, v] of multipart.entries())
				body.append(k, v);
		} else if (json !== undefined) {
			h['content-type'] = 'application/json';
			body = JSON.stringify(json);
		} else if (form !== undefined) {
			h['content-type'] = 'application/x-www-form-urlencoded';
			body = new URLSearchParams({ csrf: this.csrf || this.preCsrf, ...form }).toString();
		}
		if (this.csrf && method !== 'GET' && method !== 'HEAD')
			h['x-csrf-token'] = this.csrf;
		const res = await fetch(this.base + path, { method, headers: h, body, redirect: 'manual' });
		this.keepCookies(res);
		return res;
	}

	async signIn(username, password) {
		const res = await this.request('POST', '/api/v1/session', { json: { username, password } });
		const body = await res.json();
		if (res.status !== 200)
			throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(body)}`);
		this.csrf = body.csrf;
		this.user = body.user;
		return body;
	}
}
