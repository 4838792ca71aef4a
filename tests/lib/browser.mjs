// Headless Debian Chromium driven by playwright-core.  Every page opened
// through open() records console errors and failed requests, so a test can
// assert there were none.
import { chromium } from 'playwright-core';

// Playwright gives each launch a new empty profile of its own.
export async function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update',
			'--disable-sync'],
	});
}

// A new page whose console errors and page errors are collected in .problems.
export async function open(context) {
	const page = await context.newPage();
	page.problems = [];
	page.on('console', (m) => { if (m.type() === 'error') page.problems.push('console: ' + m.text()); });
	page.on('pageerror', (e) => page.problems.push('page error: ' + e.message));
	return page;
}
