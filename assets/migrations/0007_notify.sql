-- 0007_notify: the outbox of messages and their versioned templates.

-- A template is never changed: a new text is a new version, and each
-- message records the version it was made from.
CREATE TABLE notify_template (
	id @ID@,
	key TEXT NOT NULL,			-- "dossier.received", "citizen.otp", …
	channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'webhook')),
	version BIGINT NOT NULL,
	subject TEXT NOT NULL,			-- e-mail subject; '' for SMS
	body TEXT NOT NULL,			-- with {placeholders}
	created_at BIGINT NOT NULL,
	UNIQUE (key, channel, version)
);

CREATE TABLE notify_message (
	id @ID@,
	channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'webhook')),
	recipient TEXT NOT NULL,
	template_key TEXT NOT NULL,
	template_version BIGINT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	dossier_id BIGINT REFERENCES dossier (id),
	state TEXT NOT NULL DEFAULT 'created' CHECK (state IN
		('created', 'sending', 'delivered', 'temp_failed', 'failed', 'tech_failed')),
	attempts BIGINT NOT NULL DEFAULT 0,
	next_at BIGINT NOT NULL,		-- not before (backoff)
	lease_owner TEXT,			-- the worker sending it now
	lease_until BIGINT,
	gateway_ref TEXT NOT NULL DEFAULT '',	-- the gateway's id, for receipts
	segments BIGINT NOT NULL DEFAULT 0,	-- SMS parts
	encoding TEXT NOT NULL DEFAULT '',	-- gsm7, ucs2
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	delivered_at BIGINT
);
CREATE INDEX notify_message_due ON notify_message (state, next_at);
CREATE INDEX notify_message_dossier ON notify_message (dossier_id, id);

-- The secret that signs delivery-receipt callbacks, made once per
-- database so every cchc process sharing it accepts the same receipts
-- (the setting notify_secret, when given, is used instead).
CREATE TABLE notify_key (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- The texts, version 1.  Short: an SMS in Vietnamese with diacritics goes
-- as UCS-2, 70 characters a part (67 when split).
INSERT INTO notify_template (key, channel, version, subject, body, created_at) VALUES
('citizen.otp', 'sms', 1, '',
 'Mã xác thực Cổng dịch vụ công Quảng Nam: {code}, hiệu lực {minutes} phút. Không cung cấp mã cho người khác.', 0),
('citizen.otp', 'email', 1, 'Mã xác thực: {code}',
 'Mã xác thực của Ông/Bà trên Cổng dịch vụ công Quảng Nam là {code}, có hiệu lực trong {minutes} phút.

Không cung cấp mã này cho bất kỳ ai. Nếu Ông/Bà không yêu cầu mã, xin bỏ qua thư này.', 0),
('dossier.accepted', 'sms', 1, '',
 'Hồ sơ {procedure} nộp trực tuyến đã được tiếp nhận, mã hồ sơ {code}, hẹn trả kết quả ngày {due}.', 0),
('dossier.accepted', 'email', 1, 'Hồ sơ {code} đã được tiếp nhận',
 'Hồ sơ {procedure} Ông/Bà nộp trực tuyến đã được tiếp nhận.

Mã hồ sơ: {code}
Ngày hẹn trả kết quả: {due}', 0),
('dossier.incomplete', 'sms', 1, '',
 'Hồ sơ {procedure} nộp trực tuyến chưa đầy đủ, đề nghị Ông/Bà bổ sung, hoàn thiện: {reason}', 0),
('dossier.incomplete', 'email', 1, 'Đề nghị bổ sung, hoàn thiện hồ sơ',
 'Hồ sơ {procedure} Ông/Bà nộp trực tuyến chưa đầy đủ.

Đề nghị bổ sung, hoàn thiện: {reason}', 0),
('dossier.rejected', 'sms', 1, '',
 'Hồ sơ {procedure} nộp trực tuyến không được tiếp nhận. Lý do: {reason}', 0),
('dossier.rejected', 'email', 1, 'Hồ sơ không được tiếp nhận',
 'Hồ sơ {procedure} Ông/Bà nộp trực tuyến không được tiếp nhận.

Lý do: {reason}', 0),
('dossier.received', 'sms', 1, '',
 'Hồ sơ {code} đã được tiếp nhận, hẹn trả kết quả ngày {due}. Tra cứu: {track_url}', 0),
('dossier.received', 'email', 1, 'Hồ sơ {code} đã được tiếp nhận',
 'Hồ sơ của Ông/Bà đã được tiếp nhận.

Mã hồ sơ: {code}
Ngày hẹn trả kết quả: {due}
Tra cứu tình trạng hồ sơ: {track_url}', 0),
('dossier.supplement', 'sms', 1, '',
 'Hồ sơ {code} cần bổ sung: {reason}. Thời hạn giải quyết tạm dừng đến khi nhận đủ.', 0),
('dossier.supplement', 'email', 1, 'Hồ sơ {code} cần bổ sung',
 'Hồ sơ {code} của Ông/Bà cần bổ sung: {reason}

Thời hạn giải quyết tạm dừng đến khi nhận đủ giấy tờ.', 0),
('dossier.apology', 'sms', 1, '',
 'Xin lỗi Ông/Bà: hồ sơ {code} chậm trả kết quả do {reason}. Hẹn trả lại ngày {new_date}.', 0),
('dossier.apology', 'email', 1, 'Thư xin lỗi về việc chậm trả kết quả hồ sơ {code}',
 'Chúng tôi chân thành xin lỗi Ông/Bà vì hồ sơ {code} chậm trả kết quả.

Lý do: {reason}
Ngày hẹn trả kết quả mới: {new_date}', 0),
('dossier.result_ready', 'sms', 1, '',
 'Hồ sơ {code} đã có kết quả. Mời Ông/Bà nhận kết quả. Tra cứu: {track_url}', 0),
('dossier.result_ready', 'email', 1, 'Hồ sơ {code} đã có kết quả',
 'Hồ sơ {code} của Ông/Bà đã có kết quả. Mời Ông/Bà nhận kết quả.

Tra cứu tình trạng hồ sơ: {track_url}', 0),
('dossier.returned', 'sms', 1, '',
 'Hồ sơ {code} đã trả kết quả. Mời Ông/Bà đánh giá mức độ hài lòng: {rate_url}', 0),
('dossier.returned', 'email', 1, 'Đánh giá việc giải quyết hồ sơ {code}',
 'Hồ sơ {code} đã trả kết quả cho Ông/Bà.

Mời Ông/Bà đánh giá mức độ hài lòng: {rate_url}', 0),
('payment.received', 'sms', 1, '',
 'Đã nhận {amount} phí, lệ phí của hồ sơ {code}. Trân trọng cảm ơn Ông/Bà.', 0),
('payment.received', 'email', 1, 'Đã nhận phí, lệ phí hồ sơ {code}',
 'Đã nhận {amount} phí, lệ phí của hồ sơ {code}.

Trân trọng cảm ơn Ông/Bà.', 0),
('plan.reminder', 'email', 1, 'Nhắc việc cải cách hành chính: {agency}',
 'Kính gửi {agency},

{message}

Hạn: {due}', 0),
('plan.reminder', 'webhook', 1, 'Nhắc việc cải cách hành chính: {agency}',
 '{message} Hạn: {due}', 0);
