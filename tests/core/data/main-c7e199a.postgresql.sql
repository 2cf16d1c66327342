--
-- PostgreSQL database dump
--

\restrict IQu4PUFfAJ5xtcOdE35isybqfJJ1UbH7SDUc9Cv0JeOJfBd862rh6kiEcrTylM2

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: ab_api_key; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_api_key (
    id integer NOT NULL,
    uuid character varying(36) NOT NULL,
    name character varying(256) NOT NULL,
    key_hash character varying(256) NOT NULL,
    lookup_hash character varying(256),
    key_prefix character varying(16) NOT NULL,
    user_id integer NOT NULL,
    scopes text,
    active boolean NOT NULL,
    created_on timestamp without time zone,
    expires_on timestamp without time zone,
    revoked_on timestamp without time zone,
    last_used_on timestamp without time zone
);


--
-- Name: ab_api_key_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_api_key_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_api_key_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_api_key_id_seq OWNED BY public.ab_api_key.id;


--
-- Name: ab_group; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_group (
    id integer NOT NULL,
    name character varying(100) NOT NULL,
    label character varying(150),
    description character varying(512)
);


--
-- Name: ab_group_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_group_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_group_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_group_id_seq OWNED BY public.ab_group.id;


--
-- Name: ab_group_role; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_group_role (
    id integer NOT NULL,
    group_id integer,
    role_id integer
);


--
-- Name: ab_group_role_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_group_role_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_group_role_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_group_role_id_seq OWNED BY public.ab_group_role.id;


--
-- Name: ab_permission; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_permission (
    id integer NOT NULL,
    name character varying(100) NOT NULL
);


--
-- Name: ab_permission_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_permission_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_permission_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_permission_id_seq OWNED BY public.ab_permission.id;


--
-- Name: ab_permission_view; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_permission_view (
    id integer NOT NULL,
    permission_id integer NOT NULL,
    view_menu_id integer NOT NULL
);


--
-- Name: ab_permission_view_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_permission_view_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_permission_view_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_permission_view_id_seq OWNED BY public.ab_permission_view.id;


--
-- Name: ab_permission_view_role; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_permission_view_role (
    id integer NOT NULL,
    permission_view_id integer,
    role_id integer
);


--
-- Name: ab_permission_view_role_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_permission_view_role_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_permission_view_role_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_permission_view_role_id_seq OWNED BY public.ab_permission_view_role.id;


--
-- Name: ab_register_user; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_register_user (
    id integer NOT NULL,
    first_name character varying(64) NOT NULL,
    last_name character varying(64) NOT NULL,
    username character varying(128) NOT NULL,
    password character varying(256),
    email character varying(320) NOT NULL,
    registration_date timestamp without time zone,
    registration_hash character varying(256)
);


--
-- Name: ab_register_user_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_register_user_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_register_user_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_register_user_id_seq OWNED BY public.ab_register_user.id;


--
-- Name: ab_role; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_role (
    id integer NOT NULL,
    name character varying(64) NOT NULL
);


--
-- Name: ab_role_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_role_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_role_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_role_id_seq OWNED BY public.ab_role.id;


--
-- Name: ab_user; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_user (
    id integer NOT NULL,
    first_name character varying(64) NOT NULL,
    last_name character varying(64) NOT NULL,
    username character varying(128) NOT NULL,
    password character varying(256),
    active boolean,
    email character varying(320) NOT NULL,
    last_login timestamp without time zone,
    login_count integer,
    fail_login_count integer,
    created_on timestamp without time zone,
    changed_on timestamp without time zone,
    created_by_fk integer,
    changed_by_fk integer,
    must_change_password boolean DEFAULT false NOT NULL
);


--
-- Name: ab_user_group; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_user_group (
    id integer NOT NULL,
    user_id integer,
    group_id integer
);


--
-- Name: ab_user_group_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_user_group_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_user_group_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_user_group_id_seq OWNED BY public.ab_user_group.id;


--
-- Name: ab_user_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_user_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_user_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_user_id_seq OWNED BY public.ab_user.id;


--
-- Name: ab_user_role; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_user_role (
    id integer NOT NULL,
    user_id integer,
    role_id integer
);


--
-- Name: ab_user_role_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_user_role_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_user_role_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_user_role_id_seq OWNED BY public.ab_user_role.id;


--
-- Name: ab_view_menu; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ab_view_menu (
    id integer NOT NULL,
    name character varying(250) NOT NULL
);


--
-- Name: ab_view_menu_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ab_view_menu_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ab_view_menu_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ab_view_menu_id_seq OWNED BY public.ab_view_menu.id;


--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id integer NOT NULL,
    at timestamp without time zone NOT NULL,
    user_id integer,
    actor character varying(100) NOT NULL,
    action character varying(20) NOT NULL,
    table_name character varying(80) NOT NULL,
    record_id character varying(40),
    job character varying(80),
    changes json,
    source character varying(10) NOT NULL
);


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.audit_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.audit_log_id_seq OWNED BY public.audit_log.id;


--
-- Name: campus; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campus (
    id integer NOT NULL,
    name character varying(100) NOT NULL,
    code character varying(20) NOT NULL,
    address character varying(200),
    active boolean NOT NULL
);


--
-- Name: campus_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.campus_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: campus_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.campus_id_seq OWNED BY public.campus.id;


--
-- Name: department; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.department (
    id integer NOT NULL,
    name character varying(100) NOT NULL,
    campus_id integer,
    active boolean NOT NULL
);


--
-- Name: department_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.department_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: department_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.department_id_seq OWNED BY public.department.id;


--
-- Name: gate_duty_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.gate_duty_log (
    id integer NOT NULL,
    day date NOT NULL,
    shift character varying(10) NOT NULL,
    gatekeeper_id integer,
    handover_note text,
    campus_id integer NOT NULL
);


--
-- Name: gate_duty_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.gate_duty_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: gate_duty_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.gate_duty_log_id_seq OWNED BY public.gate_duty_log.id;


--
-- Name: gate_patrol_round; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.gate_patrol_round (
    id integer NOT NULL,
    duty_log_id integer NOT NULL,
    at timestamp without time zone NOT NULL,
    findings character varying(500)
);


--
-- Name: gate_patrol_round_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.gate_patrol_round_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: gate_patrol_round_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.gate_patrol_round_id_seq OWNED BY public.gate_patrol_round.id;


--
-- Name: houqin_demo_record; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.houqin_demo_record (
    id integer NOT NULL,
    table_name character varying(80) NOT NULL,
    record_id integer NOT NULL
);


--
-- Name: houqin_demo_record_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.houqin_demo_record_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: houqin_demo_record_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.houqin_demo_record_id_seq OWNED BY public.houqin_demo_record.id;


--
-- Name: houqin_setting; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.houqin_setting (
    id integer NOT NULL,
    key character varying(80) NOT NULL,
    campus_id integer,
    value text NOT NULL
);


--
-- Name: houqin_setting_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.houqin_setting_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: houqin_setting_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.houqin_setting_id_seq OWNED BY public.houqin_setting.id;


--
-- Name: houqin_user_campus; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.houqin_user_campus (
    user_id integer NOT NULL,
    campus_id integer NOT NULL
);


--
-- Name: position; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public."position" (
    id integer NOT NULL,
    name_zh character varying(50) NOT NULL,
    name_en character varying(80) NOT NULL,
    active boolean NOT NULL
);


--
-- Name: position_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.position_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: position_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.position_id_seq OWNED BY public."position".id;


--
-- Name: staff; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.staff (
    id integer NOT NULL,
    name character varying(50) NOT NULL,
    staff_no character varying(30) NOT NULL,
    gender character varying(1),
    work_phone character varying(20),
    personal_phone character varying(20),
    position_id integer,
    employment_type character varying(20) NOT NULL,
    department_id integer,
    hire_date date,
    health_cert_no character varying(40),
    health_cert_issued date,
    health_cert_expiry date,
    qualification_cert character varying(80),
    qualification_level character varying(40),
    active boolean NOT NULL,
    user_id integer,
    campus_id integer NOT NULL
);


--
-- Name: staff_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.staff_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: staff_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.staff_id_seq OWNED BY public.staff.id;


--
-- Name: visit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.visit (
    id integer NOT NULL,
    visitor_id integer NOT NULL,
    visitor_name character varying(50) NOT NULL,
    purpose_id integer NOT NULL,
    host_id integer,
    host_response character varying(10),
    host_confirmation character varying(10),
    host_confirmed_by_id integer,
    host_confirmed_at timestamp without time zone,
    reason character varying(200),
    party_size integer NOT NULL,
    plate character varying(10),
    badge character varying(10),
    time_in timestamp without time zone NOT NULL,
    time_out timestamp without time zone,
    gatekeeper_id integer,
    status character varying(12) NOT NULL,
    blocklist_entry_id integer,
    name_match_checked boolean NOT NULL,
    appointment_id integer,
    note character varying(500),
    campus_id integer NOT NULL
);


--
-- Name: visit_appointment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.visit_appointment (
    id integer NOT NULL,
    reference_code character varying(8) NOT NULL,
    host_id integer NOT NULL,
    created_by_id integer,
    created_at timestamp without time zone NOT NULL,
    visitor_name character varying(50) NOT NULL,
    visitor_phone character varying(20),
    organisation character varying(100),
    purpose_id integer NOT NULL,
    expected_date date NOT NULL,
    time_from time without time zone,
    time_to time without time zone,
    party_size integer NOT NULL,
    plate character varying(10),
    reason character varying(200),
    status character varying(12) NOT NULL,
    converted_at timestamp without time zone,
    campus_id integer NOT NULL
);


--
-- Name: visit_appointment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.visit_appointment_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: visit_appointment_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.visit_appointment_id_seq OWNED BY public.visit_appointment.id;


--
-- Name: visit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.visit_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: visit_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.visit_id_seq OWNED BY public.visit.id;


--
-- Name: visit_override; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.visit_override (
    id integer NOT NULL,
    refused_visit_id integer,
    admitted_visit_id integer,
    blocklist_entry_id integer,
    requested_by_id integer,
    requested_at timestamp without time zone NOT NULL,
    request_note character varying(500),
    status character varying(10) NOT NULL,
    decided_by_id integer,
    decided_at timestamp without time zone,
    decision_reason character varying(500),
    campus_id integer NOT NULL
);


--
-- Name: visit_override_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.visit_override_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: visit_override_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.visit_override_id_seq OWNED BY public.visit_override.id;


--
-- Name: visit_purpose; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.visit_purpose (
    id integer NOT NULL,
    name_zh character varying(50) NOT NULL,
    name_en character varying(80) NOT NULL,
    sort_order integer NOT NULL,
    active boolean NOT NULL
);


--
-- Name: visit_purpose_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.visit_purpose_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: visit_purpose_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.visit_purpose_id_seq OWNED BY public.visit_purpose.id;


--
-- Name: visitor; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.visitor (
    id integer NOT NULL,
    name character varying(50) NOT NULL,
    doc_type character varying(20) NOT NULL,
    id_number character varying(30),
    id_hash character varying(64),
    phone character varying(20),
    phone_hash character varying(64),
    phone_last4 character varying(4),
    organisation character varying(100),
    last_visit_at timestamp without time zone,
    anonymised_at timestamp without time zone,
    campus_id integer NOT NULL
);


--
-- Name: visitor_blocklist; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.visitor_blocklist (
    id integer NOT NULL,
    campus_id integer,
    name character varying(50) NOT NULL,
    doc_type character varying(20),
    id_hash character varying(64),
    id_masked character varying(30),
    phone_hash character varying(64),
    phone_masked character varying(20),
    reason character varying(500) NOT NULL,
    added_by_id integer,
    added_at timestamp without time zone NOT NULL,
    valid_until date
);


--
-- Name: visitor_blocklist_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.visitor_blocklist_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: visitor_blocklist_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.visitor_blocklist_id_seq OWNED BY public.visitor_blocklist.id;


--
-- Name: visitor_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.visitor_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: visitor_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.visitor_id_seq OWNED BY public.visitor.id;


--
-- Name: ab_api_key id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_api_key ALTER COLUMN id SET DEFAULT nextval('public.ab_api_key_id_seq'::regclass);


--
-- Name: ab_group id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_group ALTER COLUMN id SET DEFAULT nextval('public.ab_group_id_seq'::regclass);


--
-- Name: ab_group_role id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_group_role ALTER COLUMN id SET DEFAULT nextval('public.ab_group_role_id_seq'::regclass);


--
-- Name: ab_permission id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission ALTER COLUMN id SET DEFAULT nextval('public.ab_permission_id_seq'::regclass);


--
-- Name: ab_permission_view id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission_view ALTER COLUMN id SET DEFAULT nextval('public.ab_permission_view_id_seq'::regclass);


--
-- Name: ab_permission_view_role id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission_view_role ALTER COLUMN id SET DEFAULT nextval('public.ab_permission_view_role_id_seq'::regclass);


--
-- Name: ab_register_user id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_register_user ALTER COLUMN id SET DEFAULT nextval('public.ab_register_user_id_seq'::regclass);


--
-- Name: ab_role id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_role ALTER COLUMN id SET DEFAULT nextval('public.ab_role_id_seq'::regclass);


--
-- Name: ab_user id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user ALTER COLUMN id SET DEFAULT nextval('public.ab_user_id_seq'::regclass);


--
-- Name: ab_user_group id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user_group ALTER COLUMN id SET DEFAULT nextval('public.ab_user_group_id_seq'::regclass);


--
-- Name: ab_user_role id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user_role ALTER COLUMN id SET DEFAULT nextval('public.ab_user_role_id_seq'::regclass);


--
-- Name: ab_view_menu id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_view_menu ALTER COLUMN id SET DEFAULT nextval('public.ab_view_menu_id_seq'::regclass);


--
-- Name: audit_log id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log ALTER COLUMN id SET DEFAULT nextval('public.audit_log_id_seq'::regclass);


--
-- Name: campus id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campus ALTER COLUMN id SET DEFAULT nextval('public.campus_id_seq'::regclass);


--
-- Name: department id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.department ALTER COLUMN id SET DEFAULT nextval('public.department_id_seq'::regclass);


--
-- Name: gate_duty_log id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.gate_duty_log ALTER COLUMN id SET DEFAULT nextval('public.gate_duty_log_id_seq'::regclass);


--
-- Name: gate_patrol_round id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.gate_patrol_round ALTER COLUMN id SET DEFAULT nextval('public.gate_patrol_round_id_seq'::regclass);


--
-- Name: houqin_demo_record id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.houqin_demo_record ALTER COLUMN id SET DEFAULT nextval('public.houqin_demo_record_id_seq'::regclass);


--
-- Name: houqin_setting id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.houqin_setting ALTER COLUMN id SET DEFAULT nextval('public.houqin_setting_id_seq'::regclass);


--
-- Name: position id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."position" ALTER COLUMN id SET DEFAULT nextval('public.position_id_seq'::regclass);


--
-- Name: staff id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff ALTER COLUMN id SET DEFAULT nextval('public.staff_id_seq'::regclass);


--
-- Name: visit id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit ALTER COLUMN id SET DEFAULT nextval('public.visit_id_seq'::regclass);


--
-- Name: visit_appointment id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_appointment ALTER COLUMN id SET DEFAULT nextval('public.visit_appointment_id_seq'::regclass);


--
-- Name: visit_override id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_override ALTER COLUMN id SET DEFAULT nextval('public.visit_override_id_seq'::regclass);


--
-- Name: visit_purpose id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_purpose ALTER COLUMN id SET DEFAULT nextval('public.visit_purpose_id_seq'::regclass);


--
-- Name: visitor id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visitor ALTER COLUMN id SET DEFAULT nextval('public.visitor_id_seq'::regclass);


--
-- Name: visitor_blocklist id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visitor_blocklist ALTER COLUMN id SET DEFAULT nextval('public.visitor_blocklist_id_seq'::regclass);


--
-- Data for Name: ab_api_key; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_group; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_group_role; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_permission; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_permission_view; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_permission_view_role; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_register_user; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_role; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_user; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_user_group; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_user_role; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ab_view_menu; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.alembic_version VALUES ('0003_visitor_last4_recent');


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: campus; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: department; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: gate_duty_log; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: gate_patrol_round; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: houqin_demo_record; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: houqin_setting; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: houqin_user_campus; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: position; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: staff; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: visit; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: visit_appointment; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: visit_override; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: visit_purpose; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.visit_purpose VALUES (1, '家长', 'Parent', 10, true);
INSERT INTO public.visit_purpose VALUES (2, '送货', 'Delivery', 20, true);
INSERT INTO public.visit_purpose VALUES (3, '维修/施工', 'Repair / works', 30, true);
INSERT INTO public.visit_purpose VALUES (4, '公务', 'Official business', 40, true);
INSERT INTO public.visit_purpose VALUES (5, '面试', 'Interview', 50, true);
INSERT INTO public.visit_purpose VALUES (6, '其他', 'Other', 60, true);


--
-- Data for Name: visitor; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: visitor_blocklist; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Name: ab_api_key_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_api_key_id_seq', 1, false);


--
-- Name: ab_group_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_group_id_seq', 1, false);


--
-- Name: ab_group_role_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_group_role_id_seq', 1, false);


--
-- Name: ab_permission_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_permission_id_seq', 1, false);


--
-- Name: ab_permission_view_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_permission_view_id_seq', 1, false);


--
-- Name: ab_permission_view_role_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_permission_view_role_id_seq', 1, false);


--
-- Name: ab_register_user_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_register_user_id_seq', 1, false);


--
-- Name: ab_role_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_role_id_seq', 1, false);


--
-- Name: ab_user_group_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_user_group_id_seq', 1, false);


--
-- Name: ab_user_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_user_id_seq', 1, false);


--
-- Name: ab_user_role_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_user_role_id_seq', 1, false);


--
-- Name: ab_view_menu_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ab_view_menu_id_seq', 1, false);


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_id_seq', 1, false);


--
-- Name: campus_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.campus_id_seq', 1, false);


--
-- Name: department_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.department_id_seq', 1, false);


--
-- Name: gate_duty_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.gate_duty_log_id_seq', 1, false);


--
-- Name: gate_patrol_round_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.gate_patrol_round_id_seq', 1, false);


--
-- Name: houqin_demo_record_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.houqin_demo_record_id_seq', 1, false);


--
-- Name: houqin_setting_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.houqin_setting_id_seq', 1, false);


--
-- Name: position_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.position_id_seq', 1, false);


--
-- Name: staff_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.staff_id_seq', 1, false);


--
-- Name: visit_appointment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.visit_appointment_id_seq', 1, false);


--
-- Name: visit_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.visit_id_seq', 1, false);


--
-- Name: visit_override_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.visit_override_id_seq', 1, false);


--
-- Name: visit_purpose_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.visit_purpose_id_seq', 6, true);


--
-- Name: visitor_blocklist_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.visitor_blocklist_id_seq', 1, false);


--
-- Name: visitor_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.visitor_id_seq', 1, false);


--
-- Name: ab_api_key ab_api_key_lookup_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_api_key
    ADD CONSTRAINT ab_api_key_lookup_hash_key UNIQUE (lookup_hash);


--
-- Name: ab_api_key ab_api_key_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_api_key
    ADD CONSTRAINT ab_api_key_pkey PRIMARY KEY (id);


--
-- Name: ab_api_key ab_api_key_uuid_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_api_key
    ADD CONSTRAINT ab_api_key_uuid_key UNIQUE (uuid);


--
-- Name: ab_group ab_group_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_group
    ADD CONSTRAINT ab_group_name_key UNIQUE (name);


--
-- Name: ab_group ab_group_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_group
    ADD CONSTRAINT ab_group_pkey PRIMARY KEY (id);


--
-- Name: ab_group_role ab_group_role_group_id_role_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_group_role
    ADD CONSTRAINT ab_group_role_group_id_role_id_key UNIQUE (group_id, role_id);


--
-- Name: ab_group_role ab_group_role_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_group_role
    ADD CONSTRAINT ab_group_role_pkey PRIMARY KEY (id);


--
-- Name: ab_permission ab_permission_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission
    ADD CONSTRAINT ab_permission_name_key UNIQUE (name);


--
-- Name: ab_permission ab_permission_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission
    ADD CONSTRAINT ab_permission_pkey PRIMARY KEY (id);


--
-- Name: ab_permission_view ab_permission_view_permission_id_view_menu_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission_view
    ADD CONSTRAINT ab_permission_view_permission_id_view_menu_id_key UNIQUE (permission_id, view_menu_id);


--
-- Name: ab_permission_view ab_permission_view_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission_view
    ADD CONSTRAINT ab_permission_view_pkey PRIMARY KEY (id);


--
-- Name: ab_permission_view_role ab_permission_view_role_permission_view_id_role_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission_view_role
    ADD CONSTRAINT ab_permission_view_role_permission_view_id_role_id_key UNIQUE (permission_view_id, role_id);


--
-- Name: ab_permission_view_role ab_permission_view_role_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission_view_role
    ADD CONSTRAINT ab_permission_view_role_pkey PRIMARY KEY (id);


--
-- Name: ab_register_user ab_register_user_email_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_register_user
    ADD CONSTRAINT ab_register_user_email_key UNIQUE (email);


--
-- Name: ab_register_user ab_register_user_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_register_user
    ADD CONSTRAINT ab_register_user_pkey PRIMARY KEY (id);


--
-- Name: ab_register_user ab_register_user_username_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_register_user
    ADD CONSTRAINT ab_register_user_username_key UNIQUE (username);


--
-- Name: ab_role ab_role_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_role
    ADD CONSTRAINT ab_role_name_key UNIQUE (name);


--
-- Name: ab_role ab_role_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_role
    ADD CONSTRAINT ab_role_pkey PRIMARY KEY (id);


--
-- Name: ab_user ab_user_email_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user
    ADD CONSTRAINT ab_user_email_key UNIQUE (email);


--
-- Name: ab_user_group ab_user_group_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user_group
    ADD CONSTRAINT ab_user_group_pkey PRIMARY KEY (id);


--
-- Name: ab_user_group ab_user_group_user_id_group_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user_group
    ADD CONSTRAINT ab_user_group_user_id_group_id_key UNIQUE (user_id, group_id);


--
-- Name: ab_user ab_user_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user
    ADD CONSTRAINT ab_user_pkey PRIMARY KEY (id);


--
-- Name: ab_user_role ab_user_role_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user_role
    ADD CONSTRAINT ab_user_role_pkey PRIMARY KEY (id);


--
-- Name: ab_user_role ab_user_role_user_id_role_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user_role
    ADD CONSTRAINT ab_user_role_user_id_role_id_key UNIQUE (user_id, role_id);


--
-- Name: ab_user ab_user_username_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user
    ADD CONSTRAINT ab_user_username_key UNIQUE (username);


--
-- Name: ab_view_menu ab_view_menu_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_view_menu
    ADD CONSTRAINT ab_view_menu_name_key UNIQUE (name);


--
-- Name: ab_view_menu ab_view_menu_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_view_menu
    ADD CONSTRAINT ab_view_menu_pkey PRIMARY KEY (id);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: campus campus_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campus
    ADD CONSTRAINT campus_code_key UNIQUE (code);


--
-- Name: campus campus_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campus
    ADD CONSTRAINT campus_name_key UNIQUE (name);


--
-- Name: campus campus_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campus
    ADD CONSTRAINT campus_pkey PRIMARY KEY (id);


--
-- Name: department department_campus_id_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.department
    ADD CONSTRAINT department_campus_id_name_key UNIQUE (campus_id, name);


--
-- Name: department department_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.department
    ADD CONSTRAINT department_pkey PRIMARY KEY (id);


--
-- Name: gate_duty_log gate_duty_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.gate_duty_log
    ADD CONSTRAINT gate_duty_log_pkey PRIMARY KEY (id);


--
-- Name: gate_patrol_round gate_patrol_round_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.gate_patrol_round
    ADD CONSTRAINT gate_patrol_round_pkey PRIMARY KEY (id);


--
-- Name: houqin_demo_record houqin_demo_record_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.houqin_demo_record
    ADD CONSTRAINT houqin_demo_record_pkey PRIMARY KEY (id);


--
-- Name: houqin_setting houqin_setting_key_campus_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.houqin_setting
    ADD CONSTRAINT houqin_setting_key_campus_id_key UNIQUE (key, campus_id);


--
-- Name: houqin_setting houqin_setting_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.houqin_setting
    ADD CONSTRAINT houqin_setting_pkey PRIMARY KEY (id);


--
-- Name: houqin_user_campus houqin_user_campus_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.houqin_user_campus
    ADD CONSTRAINT houqin_user_campus_pkey PRIMARY KEY (user_id, campus_id);


--
-- Name: position position_name_zh_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."position"
    ADD CONSTRAINT position_name_zh_key UNIQUE (name_zh);


--
-- Name: position position_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."position"
    ADD CONSTRAINT position_pkey PRIMARY KEY (id);


--
-- Name: staff staff_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff
    ADD CONSTRAINT staff_pkey PRIMARY KEY (id);


--
-- Name: staff staff_staff_no_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff
    ADD CONSTRAINT staff_staff_no_key UNIQUE (staff_no);


--
-- Name: staff staff_user_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff
    ADD CONSTRAINT staff_user_id_key UNIQUE (user_id);


--
-- Name: visit_appointment visit_appointment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_appointment
    ADD CONSTRAINT visit_appointment_pkey PRIMARY KEY (id);


--
-- Name: visit_appointment visit_appointment_reference_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_appointment
    ADD CONSTRAINT visit_appointment_reference_code_key UNIQUE (reference_code);


--
-- Name: visit_override visit_override_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_override
    ADD CONSTRAINT visit_override_pkey PRIMARY KEY (id);


--
-- Name: visit visit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_pkey PRIMARY KEY (id);


--
-- Name: visit_purpose visit_purpose_name_zh_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_purpose
    ADD CONSTRAINT visit_purpose_name_zh_key UNIQUE (name_zh);


--
-- Name: visit_purpose visit_purpose_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_purpose
    ADD CONSTRAINT visit_purpose_pkey PRIMARY KEY (id);


--
-- Name: visitor_blocklist visitor_blocklist_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visitor_blocklist
    ADD CONSTRAINT visitor_blocklist_pkey PRIMARY KEY (id);


--
-- Name: visitor visitor_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visitor
    ADD CONSTRAINT visitor_pkey PRIMARY KEY (id);


--
-- Name: idx_api_key_lookup_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_api_key_lookup_hash ON public.ab_api_key USING btree (lookup_hash);


--
-- Name: idx_api_key_prefix; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_api_key_prefix ON public.ab_api_key USING btree (key_prefix);


--
-- Name: idx_api_key_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_api_key_user_id ON public.ab_api_key USING btree (user_id);


--
-- Name: idx_group_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_group_id ON public.ab_group_role USING btree (group_id);


--
-- Name: idx_group_role_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_group_role_id ON public.ab_group_role USING btree (role_id);


--
-- Name: idx_permission_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_permission_id ON public.ab_permission_view USING btree (permission_id);


--
-- Name: idx_permission_view_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_permission_view_id ON public.ab_permission_view_role USING btree (permission_view_id);


--
-- Name: idx_role_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_role_id ON public.ab_permission_view_role USING btree (role_id);


--
-- Name: idx_user_group_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_user_group_id ON public.ab_user_group USING btree (group_id);


--
-- Name: idx_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_user_id ON public.ab_user_group USING btree (user_id);


--
-- Name: idx_view_menu_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_view_menu_id ON public.ab_permission_view USING btree (view_menu_id);


--
-- Name: ix_audit_log_action; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_log_action ON public.audit_log USING btree (action);


--
-- Name: ix_audit_log_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_log_at ON public.audit_log USING btree (at);


--
-- Name: ix_audit_log_record; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_log_record ON public.audit_log USING btree (table_name, record_id);


--
-- Name: ix_audit_log_table_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_log_table_name ON public.audit_log USING btree (table_name);


--
-- Name: ix_audit_log_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_audit_log_user_id ON public.audit_log USING btree (user_id);


--
-- Name: ix_department_campus_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_department_campus_id ON public.department USING btree (campus_id);


--
-- Name: ix_gate_duty_log_campus_day; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_gate_duty_log_campus_day ON public.gate_duty_log USING btree (campus_id, day);


--
-- Name: ix_gate_duty_log_campus_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_gate_duty_log_campus_id ON public.gate_duty_log USING btree (campus_id);


--
-- Name: ix_gate_duty_log_day; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_gate_duty_log_day ON public.gate_duty_log USING btree (day);


--
-- Name: ix_gate_duty_log_gatekeeper_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_gate_duty_log_gatekeeper_id ON public.gate_duty_log USING btree (gatekeeper_id);


--
-- Name: ix_gate_patrol_round_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_gate_patrol_round_at ON public.gate_patrol_round USING btree (at);


--
-- Name: ix_gate_patrol_round_duty_log_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_gate_patrol_round_duty_log_id ON public.gate_patrol_round USING btree (duty_log_id);


--
-- Name: ix_houqin_setting_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_houqin_setting_key ON public.houqin_setting USING btree (key);


--
-- Name: ix_houqin_user_campus_campus_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_houqin_user_campus_campus_id ON public.houqin_user_campus USING btree (campus_id);


--
-- Name: ix_staff_active; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_staff_active ON public.staff USING btree (active);


--
-- Name: ix_staff_campus_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_staff_campus_id ON public.staff USING btree (campus_id);


--
-- Name: ix_staff_department_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_staff_department_id ON public.staff USING btree (department_id);


--
-- Name: ix_staff_health_cert_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_staff_health_cert_expiry ON public.staff USING btree (health_cert_expiry);


--
-- Name: ix_staff_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_staff_name ON public.staff USING btree (name);


--
-- Name: ix_staff_position_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_staff_position_id ON public.staff USING btree (position_id);


--
-- Name: ix_visit_appointment_campus_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_appointment_campus_id ON public.visit_appointment USING btree (campus_id);


--
-- Name: ix_visit_appointment_day; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_appointment_day ON public.visit_appointment USING btree (campus_id, expected_date, status);


--
-- Name: ix_visit_appointment_expected_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_appointment_expected_date ON public.visit_appointment USING btree (expected_date);


--
-- Name: ix_visit_appointment_host_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_appointment_host_id ON public.visit_appointment USING btree (host_id);


--
-- Name: ix_visit_appointment_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_appointment_id ON public.visit USING btree (appointment_id);


--
-- Name: ix_visit_blocklist_entry_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_blocklist_entry_id ON public.visit USING btree (blocklist_entry_id);


--
-- Name: ix_visit_campus_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_campus_id ON public.visit USING btree (campus_id);


--
-- Name: ix_visit_gatekeeper_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_gatekeeper_id ON public.visit USING btree (gatekeeper_id);


--
-- Name: ix_visit_host_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_host_id ON public.visit USING btree (host_id);


--
-- Name: ix_visit_override_admitted_visit_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_override_admitted_visit_id ON public.visit_override USING btree (admitted_visit_id);


--
-- Name: ix_visit_override_campus_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_override_campus_id ON public.visit_override USING btree (campus_id);


--
-- Name: ix_visit_override_refused_visit_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_override_refused_visit_id ON public.visit_override USING btree (refused_visit_id);


--
-- Name: ix_visit_override_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_override_status ON public.visit_override USING btree (status, campus_id);


--
-- Name: ix_visit_plate; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_plate ON public.visit USING btree (plate);


--
-- Name: ix_visit_purpose_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_purpose_id ON public.visit USING btree (purpose_id);


--
-- Name: ix_visit_status_campus; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_status_campus ON public.visit USING btree (status, campus_id);


--
-- Name: ix_visit_time_in; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_time_in ON public.visit USING btree (time_in);


--
-- Name: ix_visit_visitor_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_visitor_id ON public.visit USING btree (visitor_id);


--
-- Name: ix_visit_visitor_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visit_visitor_name ON public.visit USING btree (visitor_name varchar_pattern_ops);


--
-- Name: ix_visitor_blocklist_campus_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_blocklist_campus_id ON public.visitor_blocklist USING btree (campus_id);


--
-- Name: ix_visitor_blocklist_id_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_blocklist_id_hash ON public.visitor_blocklist USING btree (id_hash);


--
-- Name: ix_visitor_blocklist_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_blocklist_name ON public.visitor_blocklist USING btree (name);


--
-- Name: ix_visitor_blocklist_phone_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_blocklist_phone_hash ON public.visitor_blocklist USING btree (phone_hash);


--
-- Name: ix_visitor_blocklist_valid_until; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_blocklist_valid_until ON public.visitor_blocklist USING btree (valid_until);


--
-- Name: ix_visitor_campus_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_campus_id ON public.visitor USING btree (campus_id);


--
-- Name: ix_visitor_id_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_id_hash ON public.visitor USING btree (id_hash);


--
-- Name: ix_visitor_last_visit_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_last_visit_at ON public.visitor USING btree (last_visit_at);


--
-- Name: ix_visitor_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_name ON public.visitor USING btree (name varchar_pattern_ops);


--
-- Name: ix_visitor_phone_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_phone_hash ON public.visitor USING btree (phone_hash);


--
-- Name: ix_visitor_phone_last4_recent; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_visitor_phone_last4_recent ON public.visitor USING btree (phone_last4, last_visit_at);


--
-- Name: uq_visit_badge_on_site; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX uq_visit_badge_on_site ON public.visit USING btree (campus_id, badge) WHERE (((status)::text = 'on_site'::text) AND (badge IS NOT NULL));


--
-- Name: ab_api_key ab_api_key_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_api_key
    ADD CONSTRAINT ab_api_key_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.ab_user(id) ON DELETE CASCADE;


--
-- Name: ab_group_role ab_group_role_group_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_group_role
    ADD CONSTRAINT ab_group_role_group_id_fkey FOREIGN KEY (group_id) REFERENCES public.ab_group(id) ON DELETE CASCADE;


--
-- Name: ab_group_role ab_group_role_role_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_group_role
    ADD CONSTRAINT ab_group_role_role_id_fkey FOREIGN KEY (role_id) REFERENCES public.ab_role(id) ON DELETE CASCADE;


--
-- Name: ab_permission_view ab_permission_view_permission_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission_view
    ADD CONSTRAINT ab_permission_view_permission_id_fkey FOREIGN KEY (permission_id) REFERENCES public.ab_permission(id);


--
-- Name: ab_permission_view_role ab_permission_view_role_permission_view_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission_view_role
    ADD CONSTRAINT ab_permission_view_role_permission_view_id_fkey FOREIGN KEY (permission_view_id) REFERENCES public.ab_permission_view(id) ON DELETE CASCADE;


--
-- Name: ab_permission_view_role ab_permission_view_role_role_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission_view_role
    ADD CONSTRAINT ab_permission_view_role_role_id_fkey FOREIGN KEY (role_id) REFERENCES public.ab_role(id) ON DELETE CASCADE;


--
-- Name: ab_permission_view ab_permission_view_view_menu_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_permission_view
    ADD CONSTRAINT ab_permission_view_view_menu_id_fkey FOREIGN KEY (view_menu_id) REFERENCES public.ab_view_menu(id);


--
-- Name: ab_user ab_user_changed_by_fk_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user
    ADD CONSTRAINT ab_user_changed_by_fk_fkey FOREIGN KEY (changed_by_fk) REFERENCES public.ab_user(id);


--
-- Name: ab_user ab_user_created_by_fk_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user
    ADD CONSTRAINT ab_user_created_by_fk_fkey FOREIGN KEY (created_by_fk) REFERENCES public.ab_user(id);


--
-- Name: ab_user_group ab_user_group_group_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user_group
    ADD CONSTRAINT ab_user_group_group_id_fkey FOREIGN KEY (group_id) REFERENCES public.ab_group(id) ON DELETE CASCADE;


--
-- Name: ab_user_group ab_user_group_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user_group
    ADD CONSTRAINT ab_user_group_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.ab_user(id) ON DELETE CASCADE;


--
-- Name: ab_user_role ab_user_role_role_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user_role
    ADD CONSTRAINT ab_user_role_role_id_fkey FOREIGN KEY (role_id) REFERENCES public.ab_role(id) ON DELETE CASCADE;


--
-- Name: ab_user_role ab_user_role_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ab_user_role
    ADD CONSTRAINT ab_user_role_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.ab_user(id) ON DELETE CASCADE;


--
-- Name: audit_log audit_log_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.ab_user(id) ON DELETE SET NULL;


--
-- Name: department department_campus_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.department
    ADD CONSTRAINT department_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES public.campus(id);


--
-- Name: gate_duty_log gate_duty_log_campus_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.gate_duty_log
    ADD CONSTRAINT gate_duty_log_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES public.campus(id);


--
-- Name: gate_duty_log gate_duty_log_gatekeeper_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.gate_duty_log
    ADD CONSTRAINT gate_duty_log_gatekeeper_id_fkey FOREIGN KEY (gatekeeper_id) REFERENCES public.ab_user(id);


--
-- Name: gate_patrol_round gate_patrol_round_duty_log_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.gate_patrol_round
    ADD CONSTRAINT gate_patrol_round_duty_log_id_fkey FOREIGN KEY (duty_log_id) REFERENCES public.gate_duty_log(id) ON DELETE CASCADE;


--
-- Name: houqin_setting houqin_setting_campus_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.houqin_setting
    ADD CONSTRAINT houqin_setting_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES public.campus(id) ON DELETE CASCADE;


--
-- Name: houqin_user_campus houqin_user_campus_campus_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.houqin_user_campus
    ADD CONSTRAINT houqin_user_campus_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES public.campus(id) ON DELETE CASCADE;


--
-- Name: houqin_user_campus houqin_user_campus_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.houqin_user_campus
    ADD CONSTRAINT houqin_user_campus_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.ab_user(id) ON DELETE CASCADE;


--
-- Name: staff staff_campus_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff
    ADD CONSTRAINT staff_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES public.campus(id);


--
-- Name: staff staff_department_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff
    ADD CONSTRAINT staff_department_id_fkey FOREIGN KEY (department_id) REFERENCES public.department(id);


--
-- Name: staff staff_position_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff
    ADD CONSTRAINT staff_position_id_fkey FOREIGN KEY (position_id) REFERENCES public."position"(id);


--
-- Name: staff staff_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.staff
    ADD CONSTRAINT staff_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.ab_user(id);


--
-- Name: visit_appointment visit_appointment_campus_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_appointment
    ADD CONSTRAINT visit_appointment_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES public.campus(id);


--
-- Name: visit_appointment visit_appointment_created_by_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_appointment
    ADD CONSTRAINT visit_appointment_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES public.ab_user(id);


--
-- Name: visit_appointment visit_appointment_host_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_appointment
    ADD CONSTRAINT visit_appointment_host_id_fkey FOREIGN KEY (host_id) REFERENCES public.staff(id);


--
-- Name: visit visit_appointment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_appointment_id_fkey FOREIGN KEY (appointment_id) REFERENCES public.visit_appointment(id);


--
-- Name: visit_appointment visit_appointment_purpose_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_appointment
    ADD CONSTRAINT visit_appointment_purpose_id_fkey FOREIGN KEY (purpose_id) REFERENCES public.visit_purpose(id);


--
-- Name: visit visit_blocklist_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_blocklist_entry_id_fkey FOREIGN KEY (blocklist_entry_id) REFERENCES public.visitor_blocklist(id) ON DELETE SET NULL;


--
-- Name: visit visit_campus_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES public.campus(id);


--
-- Name: visit visit_gatekeeper_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_gatekeeper_id_fkey FOREIGN KEY (gatekeeper_id) REFERENCES public.ab_user(id);


--
-- Name: visit visit_host_confirmed_by_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_host_confirmed_by_id_fkey FOREIGN KEY (host_confirmed_by_id) REFERENCES public.ab_user(id);


--
-- Name: visit visit_host_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_host_id_fkey FOREIGN KEY (host_id) REFERENCES public.staff(id);


--
-- Name: visit_override visit_override_admitted_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_override
    ADD CONSTRAINT visit_override_admitted_visit_id_fkey FOREIGN KEY (admitted_visit_id) REFERENCES public.visit(id);


--
-- Name: visit_override visit_override_blocklist_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_override
    ADD CONSTRAINT visit_override_blocklist_entry_id_fkey FOREIGN KEY (blocklist_entry_id) REFERENCES public.visitor_blocklist(id) ON DELETE SET NULL;


--
-- Name: visit_override visit_override_campus_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_override
    ADD CONSTRAINT visit_override_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES public.campus(id);


--
-- Name: visit_override visit_override_decided_by_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_override
    ADD CONSTRAINT visit_override_decided_by_id_fkey FOREIGN KEY (decided_by_id) REFERENCES public.ab_user(id);


--
-- Name: visit_override visit_override_refused_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_override
    ADD CONSTRAINT visit_override_refused_visit_id_fkey FOREIGN KEY (refused_visit_id) REFERENCES public.visit(id);


--
-- Name: visit_override visit_override_requested_by_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_override
    ADD CONSTRAINT visit_override_requested_by_id_fkey FOREIGN KEY (requested_by_id) REFERENCES public.ab_user(id);


--
-- Name: visit visit_purpose_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_purpose_id_fkey FOREIGN KEY (purpose_id) REFERENCES public.visit_purpose(id);


--
-- Name: visit visit_visitor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_visitor_id_fkey FOREIGN KEY (visitor_id) REFERENCES public.visitor(id);


--
-- Name: visitor_blocklist visitor_blocklist_added_by_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visitor_blocklist
    ADD CONSTRAINT visitor_blocklist_added_by_id_fkey FOREIGN KEY (added_by_id) REFERENCES public.ab_user(id);


--
-- Name: visitor_blocklist visitor_blocklist_campus_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visitor_blocklist
    ADD CONSTRAINT visitor_blocklist_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES public.campus(id);


--
-- Name: visitor visitor_campus_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visitor
    ADD CONSTRAINT visitor_campus_id_fkey FOREIGN KEY (campus_id) REFERENCES public.campus(id);


--
-- PostgreSQL database dump complete
--

\unrestrict IQu4PUFfAJ5xtcOdE35isybqfJJ1UbH7SDUc9Cv0JeOJfBd862rh6kiEcrTylM2

