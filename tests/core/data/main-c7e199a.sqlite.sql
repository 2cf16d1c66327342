BEGIN TRANSACTION;
CREATE TABLE ab_api_key (
	id INTEGER NOT NULL, 
	uuid VARCHAR(36) NOT NULL, 
	name VARCHAR(256) NOT NULL, 
	key_hash VARCHAR(256) NOT NULL, 
	lookup_hash VARCHAR(256), 
	key_prefix VARCHAR(16) NOT NULL, 
	user_id INTEGER NOT NULL, 
	scopes TEXT, 
	active BOOLEAN NOT NULL, 
	created_on DATETIME, 
	expires_on DATETIME, 
	revoked_on DATETIME, 
	last_used_on DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES ab_user (id) ON DELETE CASCADE, 
	UNIQUE (lookup_hash), 
	UNIQUE (uuid)
);
CREATE TABLE ab_group (
	id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	label VARCHAR(150), 
	description VARCHAR(512), 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE ab_group_role (
	id INTEGER NOT NULL, 
	group_id INTEGER, 
	role_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(group_id) REFERENCES ab_group (id) ON DELETE CASCADE, 
	FOREIGN KEY(role_id) REFERENCES ab_role (id) ON DELETE CASCADE, 
	UNIQUE (group_id, role_id)
);
CREATE TABLE ab_permission (
	id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE ab_permission_view (
	id INTEGER NOT NULL, 
	permission_id INTEGER NOT NULL, 
	view_menu_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(permission_id) REFERENCES ab_permission (id), 
	FOREIGN KEY(view_menu_id) REFERENCES ab_view_menu (id), 
	UNIQUE (permission_id, view_menu_id)
);
CREATE TABLE ab_permission_view_role (
	id INTEGER NOT NULL, 
	permission_view_id INTEGER, 
	role_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(permission_view_id) REFERENCES ab_permission_view (id) ON DELETE CASCADE, 
	FOREIGN KEY(role_id) REFERENCES ab_role (id) ON DELETE CASCADE, 
	UNIQUE (permission_view_id, role_id)
);
CREATE TABLE ab_register_user (
	id INTEGER NOT NULL, 
	first_name VARCHAR(64) NOT NULL, 
	last_name VARCHAR(64) NOT NULL, 
	username VARCHAR(128) NOT NULL, 
	password VARCHAR(256), 
	email VARCHAR(320) NOT NULL, 
	registration_date DATETIME, 
	registration_hash VARCHAR(256), 
	PRIMARY KEY (id), 
	UNIQUE (email), 
	UNIQUE (username)
);
CREATE TABLE ab_role (
	id INTEGER NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE ab_user (
	id INTEGER NOT NULL, 
	first_name VARCHAR(64) NOT NULL, 
	last_name VARCHAR(64) NOT NULL, 
	username VARCHAR(128) NOT NULL, 
	password VARCHAR(256), 
	active BOOLEAN, 
	email VARCHAR(320) NOT NULL, 
	last_login DATETIME, 
	login_count INTEGER, 
	fail_login_count INTEGER, 
	created_on DATETIME, 
	changed_on DATETIME, 
	created_by_fk INTEGER, 
	changed_by_fk INTEGER, 
	must_change_password BOOLEAN DEFAULT '0' NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(changed_by_fk) REFERENCES ab_user (id), 
	FOREIGN KEY(created_by_fk) REFERENCES ab_user (id), 
	UNIQUE (email), 
	UNIQUE (username)
);
CREATE TABLE ab_user_group (
	id INTEGER NOT NULL, 
	user_id INTEGER, 
	group_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(group_id) REFERENCES ab_group (id) ON DELETE CASCADE, 
	FOREIGN KEY(user_id) REFERENCES ab_user (id) ON DELETE CASCADE, 
	UNIQUE (user_id, group_id)
);
CREATE TABLE ab_user_role (
	id INTEGER NOT NULL, 
	user_id INTEGER, 
	role_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(role_id) REFERENCES ab_role (id) ON DELETE CASCADE, 
	FOREIGN KEY(user_id) REFERENCES ab_user (id) ON DELETE CASCADE, 
	UNIQUE (user_id, role_id)
);
CREATE TABLE ab_view_menu (
	id INTEGER NOT NULL, 
	name VARCHAR(250) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0003_visitor_last4_recent');
CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	user_id INTEGER, 
	actor VARCHAR(100) NOT NULL, 
	action VARCHAR(20) NOT NULL, 
	table_name VARCHAR(80) NOT NULL, 
	record_id VARCHAR(40), 
	job VARCHAR(80), 
	changes JSON, 
	source VARCHAR(10) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES ab_user (id) ON DELETE SET NULL
);
CREATE TABLE campus (
	id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	code VARCHAR(20) NOT NULL, 
	address VARCHAR(200), 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (code), 
	UNIQUE (name)
);
CREATE TABLE department (
	id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	campus_id INTEGER, 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(campus_id) REFERENCES campus (id), 
	UNIQUE (campus_id, name)
);
CREATE TABLE gate_duty_log (
	id INTEGER NOT NULL, 
	day DATE NOT NULL, 
	shift VARCHAR(10) NOT NULL, 
	gatekeeper_id INTEGER, 
	handover_note TEXT, 
	campus_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(campus_id) REFERENCES campus (id), 
	FOREIGN KEY(gatekeeper_id) REFERENCES ab_user (id)
);
CREATE TABLE gate_patrol_round (
	id INTEGER NOT NULL, 
	duty_log_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	findings VARCHAR(500), 
	PRIMARY KEY (id), 
	FOREIGN KEY(duty_log_id) REFERENCES gate_duty_log (id) ON DELETE CASCADE
);
CREATE TABLE houqin_demo_record (
	id INTEGER NOT NULL, 
	table_name VARCHAR(80) NOT NULL, 
	record_id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE houqin_setting (
	id INTEGER NOT NULL, 
	"key" VARCHAR(80) NOT NULL, 
	campus_id INTEGER, 
	value TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(campus_id) REFERENCES campus (id) ON DELETE CASCADE, 
	UNIQUE ("key", campus_id)
);
CREATE TABLE houqin_user_campus (
	user_id INTEGER NOT NULL, 
	campus_id INTEGER NOT NULL, 
	PRIMARY KEY (user_id, campus_id), 
	FOREIGN KEY(campus_id) REFERENCES campus (id) ON DELETE CASCADE, 
	FOREIGN KEY(user_id) REFERENCES ab_user (id) ON DELETE CASCADE
);
CREATE TABLE position (
	id INTEGER NOT NULL, 
	name_zh VARCHAR(50) NOT NULL, 
	name_en VARCHAR(80) NOT NULL, 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name_zh)
);
CREATE TABLE staff (
	id INTEGER NOT NULL, 
	name VARCHAR(50) NOT NULL, 
	staff_no VARCHAR(30) NOT NULL, 
	gender VARCHAR(1), 
	work_phone VARCHAR(20), 
	personal_phone VARCHAR(20), 
	position_id INTEGER, 
	employment_type VARCHAR(20) NOT NULL, 
	department_id INTEGER, 
	hire_date DATE, 
	health_cert_no VARCHAR(40), 
	health_cert_issued DATE, 
	health_cert_expiry DATE, 
	qualification_cert VARCHAR(80), 
	qualification_level VARCHAR(40), 
	active BOOLEAN NOT NULL, 
	user_id INTEGER, 
	campus_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(campus_id) REFERENCES campus (id), 
	FOREIGN KEY(department_id) REFERENCES department (id), 
	FOREIGN KEY(position_id) REFERENCES position (id), 
	FOREIGN KEY(user_id) REFERENCES ab_user (id), 
	UNIQUE (staff_no), 
	UNIQUE (user_id)
);
CREATE TABLE visit (
	id INTEGER NOT NULL, 
	visitor_id INTEGER NOT NULL, 
	visitor_name VARCHAR(50) NOT NULL, 
	purpose_id INTEGER NOT NULL, 
	host_id INTEGER, 
	host_response VARCHAR(10), 
	host_confirmation VARCHAR(10), 
	host_confirmed_by_id INTEGER, 
	host_confirmed_at DATETIME, 
	reason VARCHAR(200), 
	party_size INTEGER NOT NULL, 
	plate VARCHAR(10), 
	badge VARCHAR(10), 
	time_in DATETIME NOT NULL, 
	time_out DATETIME, 
	gatekeeper_id INTEGER, 
	status VARCHAR(12) NOT NULL, 
	blocklist_entry_id INTEGER, 
	name_match_checked BOOLEAN NOT NULL, 
	appointment_id INTEGER, 
	note VARCHAR(500), 
	campus_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(appointment_id) REFERENCES visit_appointment (id), 
	FOREIGN KEY(blocklist_entry_id) REFERENCES visitor_blocklist (id) ON DELETE SET NULL, 
	FOREIGN KEY(campus_id) REFERENCES campus (id), 
	FOREIGN KEY(gatekeeper_id) REFERENCES ab_user (id), 
	FOREIGN KEY(host_confirmed_by_id) REFERENCES ab_user (id), 
	FOREIGN KEY(host_id) REFERENCES staff (id), 
	FOREIGN KEY(purpose_id) REFERENCES visit_purpose (id), 
	FOREIGN KEY(visitor_id) REFERENCES visitor (id)
);
CREATE TABLE visit_appointment (
	id INTEGER NOT NULL, 
	reference_code VARCHAR(8) NOT NULL, 
	host_id INTEGER NOT NULL, 
	created_by_id INTEGER, 
	created_at DATETIME NOT NULL, 
	visitor_name VARCHAR(50) NOT NULL, 
	visitor_phone VARCHAR(20), 
	organisation VARCHAR(100), 
	purpose_id INTEGER NOT NULL, 
	expected_date DATE NOT NULL, 
	time_from TIME, 
	time_to TIME, 
	party_size INTEGER NOT NULL, 
	plate VARCHAR(10), 
	reason VARCHAR(200), 
	status VARCHAR(12) NOT NULL, 
	converted_at DATETIME, 
	campus_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(campus_id) REFERENCES campus (id), 
	FOREIGN KEY(created_by_id) REFERENCES ab_user (id), 
	FOREIGN KEY(host_id) REFERENCES staff (id), 
	FOREIGN KEY(purpose_id) REFERENCES visit_purpose (id), 
	UNIQUE (reference_code)
);
CREATE TABLE visit_override (
	id INTEGER NOT NULL, 
	refused_visit_id INTEGER, 
	admitted_visit_id INTEGER, 
	blocklist_entry_id INTEGER, 
	requested_by_id INTEGER, 
	requested_at DATETIME NOT NULL, 
	request_note VARCHAR(500), 
	status VARCHAR(10) NOT NULL, 
	decided_by_id INTEGER, 
	decided_at DATETIME, 
	decision_reason VARCHAR(500), 
	campus_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(admitted_visit_id) REFERENCES visit (id), 
	FOREIGN KEY(blocklist_entry_id) REFERENCES visitor_blocklist (id) ON DELETE SET NULL, 
	FOREIGN KEY(campus_id) REFERENCES campus (id), 
	FOREIGN KEY(decided_by_id) REFERENCES ab_user (id), 
	FOREIGN KEY(refused_visit_id) REFERENCES visit (id), 
	FOREIGN KEY(requested_by_id) REFERENCES ab_user (id)
);
CREATE TABLE visit_purpose (
	id INTEGER NOT NULL, 
	name_zh VARCHAR(50) NOT NULL, 
	name_en VARCHAR(80) NOT NULL, 
	sort_order INTEGER NOT NULL, 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name_zh)
);
INSERT INTO "visit_purpose" VALUES(1,'家长','Parent',10,1);
INSERT INTO "visit_purpose" VALUES(2,'送货','Delivery',20,1);
INSERT INTO "visit_purpose" VALUES(3,'维修/施工','Repair / works',30,1);
INSERT INTO "visit_purpose" VALUES(4,'公务','Official business',40,1);
INSERT INTO "visit_purpose" VALUES(5,'面试','Interview',50,1);
INSERT INTO "visit_purpose" VALUES(6,'其他','Other',60,1);
CREATE TABLE visitor (
	id INTEGER NOT NULL, 
	name VARCHAR(50) NOT NULL, 
	doc_type VARCHAR(20) NOT NULL, 
	id_number VARCHAR(30), 
	id_hash VARCHAR(64), 
	phone VARCHAR(20), 
	phone_hash VARCHAR(64), 
	phone_last4 VARCHAR(4), 
	organisation VARCHAR(100), 
	last_visit_at DATETIME, 
	anonymised_at DATETIME, 
	campus_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(campus_id) REFERENCES campus (id)
);
CREATE TABLE visitor_blocklist (
	id INTEGER NOT NULL, 
	campus_id INTEGER, 
	name VARCHAR(50) NOT NULL, 
	doc_type VARCHAR(20), 
	id_hash VARCHAR(64), 
	id_masked VARCHAR(30), 
	phone_hash VARCHAR(64), 
	phone_masked VARCHAR(20), 
	reason VARCHAR(500) NOT NULL, 
	added_by_id INTEGER, 
	added_at DATETIME NOT NULL, 
	valid_until DATE, 
	PRIMARY KEY (id), 
	FOREIGN KEY(added_by_id) REFERENCES ab_user (id), 
	FOREIGN KEY(campus_id) REFERENCES campus (id)
);
CREATE UNIQUE INDEX idx_api_key_lookup_hash ON ab_api_key (lookup_hash);
CREATE INDEX idx_api_key_prefix ON ab_api_key (key_prefix);
CREATE INDEX idx_api_key_user_id ON ab_api_key (user_id);
CREATE INDEX idx_group_id ON ab_group_role (group_id);
CREATE INDEX idx_group_role_id ON ab_group_role (role_id);
CREATE INDEX idx_permission_id ON ab_permission_view (permission_id);
CREATE INDEX idx_view_menu_id ON ab_permission_view (view_menu_id);
CREATE INDEX idx_user_group_id ON ab_user_group (group_id);
CREATE INDEX idx_user_id ON ab_user_group (user_id);
CREATE INDEX ix_audit_log_action ON audit_log (action);
CREATE INDEX ix_audit_log_at ON audit_log (at);
CREATE INDEX ix_audit_log_record ON audit_log (table_name, record_id);
CREATE INDEX ix_audit_log_table_name ON audit_log (table_name);
CREATE INDEX ix_audit_log_user_id ON audit_log (user_id);
CREATE INDEX ix_department_campus_id ON department (campus_id);
CREATE INDEX ix_houqin_setting_key ON houqin_setting ("key");
CREATE INDEX ix_houqin_user_campus_campus_id ON houqin_user_campus (campus_id);
CREATE INDEX idx_permission_view_id ON ab_permission_view_role (permission_view_id);
CREATE INDEX idx_role_id ON ab_permission_view_role (role_id);
CREATE INDEX ix_staff_active ON staff (active);
CREATE INDEX ix_staff_campus_id ON staff (campus_id);
CREATE INDEX ix_staff_department_id ON staff (department_id);
CREATE INDEX ix_staff_health_cert_expiry ON staff (health_cert_expiry);
CREATE INDEX ix_staff_name ON staff (name);
CREATE INDEX ix_staff_position_id ON staff (position_id);
CREATE INDEX ix_gate_duty_log_campus_day ON gate_duty_log (campus_id, day);
CREATE INDEX ix_gate_duty_log_campus_id ON gate_duty_log (campus_id);
CREATE INDEX ix_gate_duty_log_day ON gate_duty_log (day);
CREATE INDEX ix_gate_duty_log_gatekeeper_id ON gate_duty_log (gatekeeper_id);
CREATE INDEX ix_visitor_campus_id ON visitor (campus_id);
CREATE INDEX ix_visitor_id_hash ON visitor (id_hash);
CREATE INDEX ix_visitor_last_visit_at ON visitor (last_visit_at);
CREATE INDEX ix_visitor_name ON visitor (name);
CREATE INDEX ix_visitor_phone_hash ON visitor (phone_hash);
CREATE INDEX ix_visitor_blocklist_campus_id ON visitor_blocklist (campus_id);
CREATE INDEX ix_visitor_blocklist_id_hash ON visitor_blocklist (id_hash);
CREATE INDEX ix_visitor_blocklist_name ON visitor_blocklist (name);
CREATE INDEX ix_visitor_blocklist_phone_hash ON visitor_blocklist (phone_hash);
CREATE INDEX ix_visitor_blocklist_valid_until ON visitor_blocklist (valid_until);
CREATE INDEX ix_gate_patrol_round_at ON gate_patrol_round (at);
CREATE INDEX ix_gate_patrol_round_duty_log_id ON gate_patrol_round (duty_log_id);
CREATE INDEX ix_visit_appointment_campus_id ON visit_appointment (campus_id);
CREATE INDEX ix_visit_appointment_day ON visit_appointment (campus_id, expected_date, status);
CREATE INDEX ix_visit_appointment_expected_date ON visit_appointment (expected_date);
CREATE INDEX ix_visit_appointment_host_id ON visit_appointment (host_id);
CREATE INDEX ix_visit_appointment_id ON visit (appointment_id);
CREATE INDEX ix_visit_blocklist_entry_id ON visit (blocklist_entry_id);
CREATE INDEX ix_visit_campus_id ON visit (campus_id);
CREATE INDEX ix_visit_gatekeeper_id ON visit (gatekeeper_id);
CREATE INDEX ix_visit_host_id ON visit (host_id);
CREATE INDEX ix_visit_plate ON visit (plate);
CREATE INDEX ix_visit_purpose_id ON visit (purpose_id);
CREATE INDEX ix_visit_status_campus ON visit (status, campus_id);
CREATE INDEX ix_visit_time_in ON visit (time_in);
CREATE INDEX ix_visit_visitor_id ON visit (visitor_id);
CREATE INDEX ix_visit_visitor_name ON visit (visitor_name);
CREATE UNIQUE INDEX uq_visit_badge_on_site ON visit (campus_id, badge) WHERE status = 'on_site' AND badge IS NOT NULL;
CREATE INDEX ix_visit_override_admitted_visit_id ON visit_override (admitted_visit_id);
CREATE INDEX ix_visit_override_campus_id ON visit_override (campus_id);
CREATE INDEX ix_visit_override_refused_visit_id ON visit_override (refused_visit_id);
CREATE INDEX ix_visit_override_status ON visit_override (status, campus_id);
CREATE INDEX ix_visitor_phone_last4_recent ON visitor (phone_last4, last_visit_at);
COMMIT;
