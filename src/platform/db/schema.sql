-- The database as the migrations leave it, read from PostgreSQL's catalogue.
-- Generated: do not edit. Change a migration, then run `npm run db:snapshot` and commit the result;
-- a test compares this file with a freshly migrated database. pg-boss's own schema is left out.

-- Extensions and schemas

GRANT USAGE ON SCHEMA public TO switchboard_app;

ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT DELETE, INSERT, SELECT, UPDATE ON TABLES TO switchboard_app;

ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, USAGE ON SEQUENCES TO switchboard_app;

-- Tables, with their indexes, row-level security, policies, triggers and grants

CREATE TABLE audit_anchor (
  id boolean DEFAULT true NOT NULL,
  last_purged_id bigint NOT NULL,
  last_purged_hash bytea NOT NULL,
  purged_at timestamp with time zone NOT NULL,
  CONSTRAINT audit_anchor_pkey PRIMARY KEY (id),
  CONSTRAINT audit_anchor_id_check CHECK (id)
);
GRANT SELECT ON audit_anchor TO switchboard_app;

CREATE TABLE audit_checkpoints (
  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
  kind text NOT NULL,
  seq bigint NOT NULL,
  hash bytea NOT NULL,
  made_at timestamp with time zone NOT NULL,
  signature bytea NOT NULL,
  CONSTRAINT audit_checkpoints_pkey PRIMARY KEY (id),
  CONSTRAINT audit_checkpoints_kind_check CHECK ((kind = ANY (ARRAY['head'::text, 'purge'::text])))
);
GRANT INSERT, SELECT ON audit_checkpoints TO switchboard_app;

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
  occurred_at timestamp with time zone NOT NULL,
  actor_type text NOT NULL,
  actor_id text,
  action text NOT NULL,
  target_type text,
  target_id text,
  outcome text NOT NULL,
  ip text,
  user_agent text,
  request_id text,
  details jsonb DEFAULT '{}'::jsonb NOT NULL,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  chain_version smallint NOT NULL,
  CONSTRAINT audit_log_pkey PRIMARY KEY (id),
  CONSTRAINT audit_log_actor_type_check CHECK ((actor_type = ANY (ARRAY['user'::text, 'system'::text, 'api_client'::text, 'cli'::text, 'anonymous'::text]))),
  CONSTRAINT audit_log_chain_version_check CHECK ((chain_version = ANY (ARRAY[1, 2]))),
  CONSTRAINT audit_log_outcome_check CHECK ((outcome = ANY (ARRAY['success'::text, 'failure'::text, 'denied'::text])))
);
CREATE INDEX audit_log_action_idx ON public.audit_log USING btree (action, id);
CREATE INDEX audit_log_actor_idx ON public.audit_log USING btree (actor_id, id);
CREATE INDEX audit_log_occurred_idx ON public.audit_log USING btree (occurred_at);
CREATE INDEX audit_log_target_idx ON public.audit_log USING btree (target_type, target_id, id);
GRANT INSERT, SELECT ON audit_log TO switchboard_app;

CREATE TABLE audit_retention (
  id boolean DEFAULT true NOT NULL,
  days integer NOT NULL,
  CONSTRAINT audit_retention_pkey PRIMARY KEY (id),
  CONSTRAINT audit_retention_days_check CHECK ((days >= 1)),
  CONSTRAINT audit_retention_id_check CHECK (id)
);
GRANT SELECT ON audit_retention TO switchboard_app;

CREATE TABLE auth_events (
  id bigint DEFAULT nextval('auth_events_id_seq'::regclass) NOT NULL,
  user_id uuid,
  type text NOT NULL,
  ip text,
  user_agent text,
  details jsonb DEFAULT '{}'::jsonb NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT auth_events_pkey PRIMARY KEY (id),
  CONSTRAINT auth_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX auth_events_user_idx ON public.auth_events USING btree (user_id, created_at);
GRANT DELETE, INSERT, SELECT, UPDATE ON auth_events TO switchboard_app;

CREATE TABLE idempotency_keys (
  owner text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status integer NOT NULL,
  response jsonb NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT idempotency_keys_pk PRIMARY KEY (owner, key)
);
GRANT DELETE, INSERT, SELECT, UPDATE ON idempotency_keys TO switchboard_app;

CREATE TABLE instance_settings (
  key text NOT NULL,
  value jsonb NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT instance_settings_pkey PRIMARY KEY (key)
);
GRANT DELETE, INSERT, SELECT, UPDATE ON instance_settings TO switchboard_app;

CREATE TABLE job_runs (
  job_id uuid NOT NULL,
  queue text NOT NULL,
  finished_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT job_runs_pkey PRIMARY KEY (job_id)
);
CREATE INDEX job_runs_finished_at_idx ON public.job_runs USING btree (finished_at);
GRANT DELETE, INSERT, SELECT, UPDATE ON job_runs TO switchboard_app;

CREATE TABLE lead_notes (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  lead_id uuid NOT NULL,
  author_id uuid,
  body text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT lead_notes_pkey PRIMARY KEY (id),
  CONSTRAINT lead_notes_author_id_fkey FOREIGN KEY (author_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT lead_notes_lead_id_fkey FOREIGN KEY (lead_id) REFERENCES leads(id) ON DELETE CASCADE,
  CONSTRAINT lead_notes_body_check CHECK (((length(body) >= 1) AND (length(body) <= 5000)))
);
CREATE INDEX lead_notes_lead_idx ON public.lead_notes USING btree (lead_id, created_at);
ALTER TABLE lead_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY managers ON lead_notes FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('leads:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('leads:manage'::text)));
CREATE POLICY readers ON lead_notes FOR SELECT TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('leads:read'::text) OR app_can('leads:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON lead_notes TO switchboard_app;

CREATE TABLE lead_settings (
  id boolean DEFAULT true NOT NULL,
  services text[] DEFAULT '{}'::text[] NOT NULL,
  notify_email text,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT lead_settings_pkey PRIMARY KEY (id),
  CONSTRAINT lead_settings_id_check CHECK (id),
  CONSTRAINT lead_settings_notify_email_check CHECK ((length(notify_email) <= 254))
);
ALTER TABLE lead_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY managers ON lead_settings FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('leads:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('leads:manage'::text)));
CREATE POLICY readers ON lead_settings FOR SELECT TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('leads:read'::text) OR app_can('leads:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON lead_settings TO switchboard_app;

CREATE TABLE leads (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  name text NOT NULL,
  email text NOT NULL,
  phone text,
  company text,
  service text,
  message text NOT NULL,
  locale text DEFAULT 'en'::text NOT NULL,
  consent_at timestamp with time zone NOT NULL,
  stage text DEFAULT 'new'::text NOT NULL,
  owner_id uuid,
  customer_id uuid,
  ticket_id uuid,
  converted_at timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT leads_pkey PRIMARY KEY (id),
  CONSTRAINT leads_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT leads_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT leads_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE SET NULL,
  CONSTRAINT leads_company_check CHECK ((length(company) <= 120)),
  CONSTRAINT leads_email_check CHECK (((length(email) >= 3) AND (length(email) <= 254))),
  CONSTRAINT leads_locale_check CHECK ((locale = ANY (ARRAY['en'::text, 'nl'::text]))),
  CONSTRAINT leads_message_check CHECK (((length(message) >= 1) AND (length(message) <= 5000))),
  CONSTRAINT leads_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100))),
  CONSTRAINT leads_phone_check CHECK ((length(phone) <= 40)),
  CONSTRAINT leads_service_check CHECK ((length(service) <= 80)),
  CONSTRAINT leads_stage_check CHECK ((stage = ANY (ARRAY['new'::text, 'contacted'::text, 'qualified'::text, 'won'::text, 'lost'::text])))
);
CREATE INDEX leads_created_idx ON public.leads USING btree (created_at DESC, id DESC);
CREATE INDEX leads_owner_idx ON public.leads USING btree (owner_id) WHERE (owner_id IS NOT NULL);
CREATE INDEX leads_stage_idx ON public.leads USING btree (stage, created_at DESC);
ALTER TABLE leads ENABLE ROW LEVEL SECURITY;
CREATE POLICY managers ON leads FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('leads:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('leads:manage'::text)));
CREATE POLICY readers ON leads FOR SELECT TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('leads:read'::text) OR app_can('leads:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON leads TO switchboard_app;

CREATE TABLE mail_addresses (
  address text NOT NULL,
  category_id uuid,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT mail_addresses_pkey PRIMARY KEY (address),
  CONSTRAINT mail_addresses_category_id_fkey FOREIGN KEY (category_id) REFERENCES ticket_categories(id) ON DELETE SET NULL,
  CONSTRAINT mail_addresses_address_check CHECK (((address = lower(address)) AND (address ~~ '%@%'::text)))
);
ALTER TABLE mail_addresses ENABLE ROW LEVEL SECURITY;
CREATE POLICY anyone_reads ON mail_addresses FOR SELECT TO PUBLIC
  USING (true);
CREATE POLICY mail_admins_write ON mail_addresses FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('mail:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('mail:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON mail_addresses TO switchboard_app;

CREATE TABLE mail_checks (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  address text NOT NULL,
  sent_by uuid,
  sent_at timestamp with time zone DEFAULT now() NOT NULL,
  received_at timestamp with time zone,
  source text,
  CONSTRAINT mail_checks_pkey PRIMARY KEY (id),
  CONSTRAINT mail_checks_sent_by_fkey FOREIGN KEY (sent_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT mail_checks_source_check CHECK ((source = ANY (ARRAY['smtp'::text, 'imap'::text, 'forward'::text, 'test'::text])))
);
CREATE INDEX mail_checks_sent_idx ON public.mail_checks USING btree (sent_at DESC);
ALTER TABLE mail_checks ENABLE ROW LEVEL SECURITY;
CREATE POLICY mail_admins ON mail_checks FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('mail:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('mail:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON mail_checks TO switchboard_app;

CREATE TABLE mail_forward_signatures (
  signature text NOT NULL,
  seen_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT mail_forward_signatures_pkey PRIMARY KEY (signature)
);
CREATE INDEX mail_forward_signatures_seen_idx ON public.mail_forward_signatures USING btree (seen_at);
ALTER TABLE mail_forward_signatures ENABLE ROW LEVEL SECURITY;
CREATE POLICY system_only ON mail_forward_signatures FOR ALL TO PUBLIC
  USING ((app_context() = 'system'::text))
  WITH CHECK ((app_context() = 'system'::text));
GRANT DELETE, INSERT, SELECT, UPDATE ON mail_forward_signatures TO switchboard_app;

CREATE TABLE mail_in_counts (
  outcome text NOT NULL,
  n bigint DEFAULT 0 NOT NULL,
  CONSTRAINT mail_in_counts_pkey PRIMARY KEY (outcome)
);
ALTER TABLE mail_in_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY system_only ON mail_in_counts FOR ALL TO PUBLIC
  USING ((app_context() = 'system'::text))
  WITH CHECK ((app_context() = 'system'::text));
GRANT DELETE, INSERT, SELECT, UPDATE ON mail_in_counts TO switchboard_app;

CREATE TABLE mail_inbound (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  message_id text,
  source text NOT NULL,
  envelope_from text,
  envelope_to text[] DEFAULT '{}'::text[] NOT NULL,
  remote_ip text,
  authentication jsonb,
  raw bytea NOT NULL,
  size integer NOT NULL,
  received_at timestamp with time zone DEFAULT now() NOT NULL,
  state text DEFAULT 'pending'::text NOT NULL,
  outcome text,
  reason text,
  sender text,
  subject text,
  ticket_id uuid,
  ticket_message_id uuid,
  processed_at timestamp with time zone,
  CONSTRAINT mail_inbound_pkey PRIMARY KEY (id),
  CONSTRAINT mail_inbound_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE SET NULL,
  CONSTRAINT mail_inbound_ticket_message_id_fkey FOREIGN KEY (ticket_message_id) REFERENCES ticket_messages(id) ON DELETE SET NULL,
  CONSTRAINT mail_inbound_message_id_check CHECK ((length(message_id) <= 998)),
  CONSTRAINT mail_inbound_source_check CHECK ((source = ANY (ARRAY['smtp'::text, 'imap'::text, 'forward'::text, 'test'::text]))),
  CONSTRAINT mail_inbound_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'done'::text, 'quarantined'::text, 'discarded'::text])))
);
CREATE INDEX mail_inbound_sender_idx ON public.mail_inbound USING btree (lower(sender), received_at DESC);
CREATE INDEX mail_inbound_state_idx ON public.mail_inbound USING btree (state, received_at DESC);
CREATE UNIQUE INDEX mail_inbound_message_id_idx ON public.mail_inbound USING btree (message_id) WHERE (message_id IS NOT NULL);
ALTER TABLE mail_inbound ENABLE ROW LEVEL SECURITY;
CREATE POLICY mail_admins ON mail_inbound FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('mail:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('mail:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON mail_inbound TO switchboard_app;

CREATE TABLE mail_mailboxes (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  name text NOT NULL,
  host text NOT NULL,
  port integer NOT NULL,
  tls text DEFAULT 'tls'::text NOT NULL,
  username text NOT NULL,
  password_sealed text NOT NULL,
  folder text DEFAULT 'INBOX'::text NOT NULL,
  done_folder text DEFAULT 'Switchboard/Done'::text NOT NULL,
  trusted_authserv_id text,
  enabled boolean DEFAULT true NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  last_poll_at timestamp with time zone,
  last_result text,
  last_error text,
  messages_taken bigint DEFAULT 0 NOT NULL,
  messages_duplicate bigint DEFAULT 0 NOT NULL,
  CONSTRAINT mail_mailboxes_pkey PRIMARY KEY (id),
  CONSTRAINT mail_mailboxes_name_key UNIQUE (name),
  CONSTRAINT mail_mailboxes_done_folder_check CHECK (((length(done_folder) >= 1) AND (length(done_folder) <= 200))),
  CONSTRAINT mail_mailboxes_folder_check CHECK (((length(folder) >= 1) AND (length(folder) <= 200))),
  CONSTRAINT mail_mailboxes_host_check CHECK (((length(host) >= 1) AND (length(host) <= 253))),
  CONSTRAINT mail_mailboxes_last_result_check CHECK ((last_result = ANY (ARRAY['ok'::text, 'failed'::text]))),
  CONSTRAINT mail_mailboxes_name_check CHECK (((length(name) >= 1) AND (length(name) <= 80))),
  CONSTRAINT mail_mailboxes_port_check CHECK (((port >= 1) AND (port <= 65535))),
  CONSTRAINT mail_mailboxes_tls_check CHECK ((tls = ANY (ARRAY['tls'::text, 'starttls'::text, 'none'::text]))),
  CONSTRAINT mail_mailboxes_trusted_authserv_id_check CHECK ((length(trusted_authserv_id) <= 253)),
  CONSTRAINT mail_mailboxes_username_check CHECK (((length(username) >= 1) AND (length(username) <= 320)))
);
ALTER TABLE mail_mailboxes ENABLE ROW LEVEL SECURITY;
CREATE POLICY mail_admins ON mail_mailboxes FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('mail:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('mail:manage'::text)));
CREATE TRIGGER mail_mailboxes_changed AFTER INSERT OR DELETE OR UPDATE OF name, host, port, tls, username, password_sealed, folder, done_folder, trusted_authserv_id, enabled OR TRUNCATE ON public.mail_mailboxes FOR EACH STATEMENT EXECUTE FUNCTION notify_mail_mailboxes_changed();
GRANT DELETE, INSERT, SELECT, UPDATE ON mail_mailboxes TO switchboard_app;

CREATE TABLE mail_settings (
  name text NOT NULL,
  sealed text NOT NULL,
  previous_sealed text,
  previous_until timestamp with time zone,
  updated_by uuid,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT mail_settings_pkey PRIMARY KEY (name),
  CONSTRAINT mail_settings_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT mail_settings_name_check CHECK ((name = 'forward_secret'::text))
);
ALTER TABLE mail_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY mail_admins ON mail_settings FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('mail:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('mail:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON mail_settings TO switchboard_app;

CREATE TABLE mfa_backup_codes (
  user_id uuid NOT NULL,
  code_hash bytea NOT NULL,
  used_at timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  salt bytea,
  CONSTRAINT mfa_backup_codes_pk PRIMARY KEY (user_id, code_hash),
  CONSTRAINT mfa_backup_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);
ALTER TABLE mfa_backup_codes ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_staff ON mfa_backup_codes FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR (user_id = app_user_id()) OR app_can('users:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR (user_id = app_user_id()) OR app_can('users:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON mfa_backup_codes TO switchboard_app;

CREATE TABLE mfa_factors (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  user_id uuid NOT NULL,
  kind text NOT NULL,
  label text NOT NULL,
  secret_sealed text,
  phone text,
  last_step bigint,
  confirmed_at timestamp with time zone,
  last_used_at timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  credential_id text,
  public_key bytea,
  sign_count bigint,
  transports text[],
  CONSTRAINT mfa_factors_pkey PRIMARY KEY (id),
  CONSTRAINT mfa_factors_credential_id_key UNIQUE (credential_id),
  CONSTRAINT mfa_factors_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  CONSTRAINT mfa_factors_kind_check CHECK ((kind = ANY (ARRAY['totp'::text, 'sms'::text, 'passkey'::text])))
);
CREATE INDEX mfa_factors_user_idx ON public.mfa_factors USING btree (user_id);
ALTER TABLE mfa_factors ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_staff ON mfa_factors FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR (user_id = app_user_id()) OR app_can('users:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR (user_id = app_user_id()) OR app_can('users:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON mfa_factors TO switchboard_app;

CREATE TABLE notification_preferences (
  user_id uuid NOT NULL,
  kind text NOT NULL,
  email boolean NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT notification_preferences_pk PRIMARY KEY (user_id, kind),
  CONSTRAINT notification_preferences_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  CONSTRAINT notification_preferences_kind_check CHECK ((kind = ANY (ARRAY['ticket_created'::text, 'agent_reply'::text, 'status_changed'::text, 'customer_reply'::text, 'ticket_assigned'::text, 'reply_undelivered'::text])))
);
ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON notification_preferences FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR (user_id = app_user_id())))
  WITH CHECK (((app_context() = 'system'::text) OR (user_id = app_user_id())));
GRANT DELETE, INSERT, SELECT, UPDATE ON notification_preferences TO switchboard_app;

CREATE TABLE oauth_clients (
  client_id text NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  redirect_uris text[] DEFAULT '{}'::text[] NOT NULL,
  grant_types text[] NOT NULL,
  scopes text[] NOT NULL,
  secret_hash text,
  secret_rotated_at timestamp with time zone,
  created_by uuid,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT oauth_clients_pkey PRIMARY KEY (client_id),
  CONSTRAINT oauth_clients_created_by_fkey FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT oauth_clients_secret_matches_type CHECK (((type = 'confidential'::text) = (secret_hash IS NOT NULL))),
  CONSTRAINT oauth_clients_type_check CHECK ((type = ANY (ARRAY['public'::text, 'confidential'::text])))
);
GRANT DELETE, INSERT, SELECT, UPDATE ON oauth_clients TO switchboard_app;

CREATE TABLE oauth_store (
  model text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamp with time zone,
  consumed_at timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT oauth_store_pk PRIMARY KEY (model, id)
);
CREATE INDEX oauth_store_expiry_idx ON public.oauth_store USING btree (expires_at);
CREATE INDEX oauth_store_grant_idx ON public.oauth_store USING btree (grant_id) WHERE (grant_id IS NOT NULL);
CREATE INDEX oauth_store_uid_idx ON public.oauth_store USING btree (model, uid) WHERE (uid IS NOT NULL);
CREATE INDEX oauth_store_user_code_idx ON public.oauth_store USING btree (model, user_code) WHERE (user_code IS NOT NULL);
GRANT DELETE, INSERT, SELECT, UPDATE ON oauth_store TO switchboard_app;

CREATE TABLE one_time_tokens (
  token_hash bytea NOT NULL,
  user_id uuid NOT NULL,
  purpose text NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  used_at timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT one_time_tokens_pkey PRIMARY KEY (token_hash),
  CONSTRAINT one_time_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX one_time_tokens_user_idx ON public.one_time_tokens USING btree (user_id, purpose);
ALTER TABLE one_time_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_staff ON one_time_tokens FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR (user_id = app_user_id()) OR app_can('users:manage'::text) OR app_can('users:invite'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR (user_id = app_user_id()) OR app_can('users:manage'::text) OR app_can('users:invite'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON one_time_tokens TO switchboard_app;

CREATE TABLE outbox_messages (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  channel text NOT NULL,
  recipient text NOT NULL,
  subject text,
  body_text text NOT NULL,
  body_html text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  headers jsonb DEFAULT '{}'::jsonb NOT NULL,
  CONSTRAINT outbox_messages_pkey PRIMARY KEY (id),
  CONSTRAINT outbox_messages_channel_check CHECK ((channel = ANY (ARRAY['email'::text, 'sms'::text])))
);
CREATE INDEX outbox_messages_recent_idx ON public.outbox_messages USING btree (created_at DESC, id DESC);
GRANT DELETE, INSERT, SELECT, UPDATE ON outbox_messages TO switchboard_app;

CREATE TABLE role_permissions (
  role text NOT NULL,
  permission text NOT NULL,
  CONSTRAINT role_permissions_pk PRIMARY KEY (role, permission),
  CONSTRAINT role_permissions_role_fkey FOREIGN KEY (role) REFERENCES roles(name) ON UPDATE CASCADE ON DELETE CASCADE
);
GRANT DELETE, INSERT, SELECT, UPDATE ON role_permissions TO switchboard_app;

CREATE TABLE roles (
  name text NOT NULL,
  description text DEFAULT ''::text NOT NULL,
  parent text,
  built_in boolean DEFAULT false NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT roles_pkey PRIMARY KEY (name),
  CONSTRAINT roles_parent_fkey FOREIGN KEY (parent) REFERENCES roles(name) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT roles_name_check CHECK ((name ~ '^[a-z][a-z0-9_-]{1,39}$'::text))
);
GRANT DELETE, INSERT, SELECT, UPDATE ON roles TO switchboard_app;

CREATE TABLE schema_migrations (
  name character varying(255) NOT NULL,
  "timestamp" character varying(255) NOT NULL,
  CONSTRAINT schema_migrations_pkey PRIMARY KEY (name)
);

CREATE TABLE schema_migrations_lock (
  id character varying(255) NOT NULL,
  is_locked integer DEFAULT 0 NOT NULL,
  CONSTRAINT schema_migrations_lock_pkey PRIMARY KEY (id)
);

CREATE TABLE sessions (
  id_hash text NOT NULL,
  user_id text NOT NULL,
  data jsonb DEFAULT '{}'::jsonb NOT NULL,
  ip text,
  user_agent text,
  created_at timestamp with time zone NOT NULL,
  last_seen_at timestamp with time zone NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  CONSTRAINT sessions_pkey PRIMARY KEY (id_hash)
);
CREATE INDEX sessions_expires_at_idx ON public.sessions USING btree (expires_at);
CREATE INDEX sessions_user_created_idx ON public.sessions USING btree (user_id, created_at);
GRANT DELETE, INSERT, SELECT, UPDATE ON sessions TO switchboard_app;

CREATE TABLE signing_keys (
  kid text NOT NULL,
  alg text NOT NULL,
  public_jwk jsonb NOT NULL,
  private_jwk_sealed text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  activates_at timestamp with time zone NOT NULL,
  retires_at timestamp with time zone,
  CONSTRAINT signing_keys_pkey PRIMARY KEY (kid),
  CONSTRAINT signing_keys_alg_check CHECK ((alg = ANY (ARRAY['EdDSA'::text, 'ES256'::text])))
);
CREATE INDEX signing_keys_activates_idx ON public.signing_keys USING btree (activates_at);
GRANT DELETE, INSERT, SELECT, UPDATE ON signing_keys TO switchboard_app;

CREATE TABLE sms_budget_alerts (
  budget_id uuid NOT NULL,
  month text NOT NULL,
  threshold integer NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT sms_budget_alerts_pkey PRIMARY KEY (budget_id, month, threshold),
  CONSTRAINT sms_budget_alerts_budget_id_fkey FOREIGN KEY (budget_id) REFERENCES sms_budgets(id) ON DELETE CASCADE,
  CONSTRAINT sms_budget_alerts_month_check CHECK ((month ~ '^[0-9]{4}-[0-9]{2}$'::text)),
  CONSTRAINT sms_budget_alerts_threshold_check CHECK ((threshold = ANY (ARRAY[80, 100])))
);
ALTER TABLE sms_budget_alerts ENABLE ROW LEVEL SECURITY;
CREATE POLICY sms_admins ON sms_budget_alerts FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('sms:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('sms:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON sms_budget_alerts TO switchboard_app;

CREATE TABLE sms_budgets (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  user_id uuid,
  amount numeric(12,2) NOT NULL,
  hard_stop boolean DEFAULT false NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT sms_budgets_pkey PRIMARY KEY (id),
  CONSTRAINT sms_budgets_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  CONSTRAINT sms_budgets_amount_check CHECK ((amount > (0)::numeric))
);
CREATE UNIQUE INDEX sms_budgets_team_idx ON public.sms_budgets USING btree ((true)) WHERE (user_id IS NULL);
CREATE UNIQUE INDEX sms_budgets_user_idx ON public.sms_budgets USING btree (user_id) WHERE (user_id IS NOT NULL);
ALTER TABLE sms_budgets ENABLE ROW LEVEL SECURITY;
CREATE POLICY sms_admins ON sms_budgets FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('sms:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('sms:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON sms_budgets TO switchboard_app;

CREATE TABLE sms_codes (
  user_id uuid NOT NULL,
  purpose text NOT NULL,
  phone text NOT NULL,
  code_hash bytea NOT NULL,
  attempts integer DEFAULT 0 NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT sms_codes_pk PRIMARY KEY (user_id, purpose),
  CONSTRAINT sms_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);
ALTER TABLE sms_codes ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_staff ON sms_codes FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR (user_id = app_user_id()) OR app_can('users:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR (user_id = app_user_id()) OR app_can('users:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON sms_codes TO switchboard_app;

CREATE TABLE sms_messages (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  message_sid text,
  direction text NOT NULL,
  number_id uuid NOT NULL,
  phone text NOT NULL,
  body text NOT NULL,
  media jsonb DEFAULT '[]'::jsonb NOT NULL,
  status text NOT NULL,
  error_code integer,
  outcome text,
  ticket_id uuid,
  ticket_message_id uuid,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  processed_at timestamp with time zone,
  kind text DEFAULT 'text'::text NOT NULL,
  segments integer,
  encoding text,
  attempted_at timestamp with time zone,
  sent_at timestamp with time zone,
  price numeric(12,5),
  price_unit text,
  sent_by uuid,
  CONSTRAINT sms_messages_pkey PRIMARY KEY (id),
  CONSTRAINT sms_messages_message_sid_key UNIQUE (message_sid),
  CONSTRAINT sms_messages_number_id_fkey FOREIGN KEY (number_id) REFERENCES sms_numbers(id),
  CONSTRAINT sms_messages_sent_by_fkey FOREIGN KEY (sent_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT sms_messages_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE SET NULL,
  CONSTRAINT sms_messages_ticket_message_id_fkey FOREIGN KEY (ticket_message_id) REFERENCES ticket_messages(id) ON DELETE SET NULL,
  CONSTRAINT sms_messages_body_check CHECK ((length(body) <= 1600)),
  CONSTRAINT sms_messages_direction_check CHECK ((direction = ANY (ARRAY['in'::text, 'out'::text]))),
  CONSTRAINT sms_messages_encoding_check CHECK ((encoding = ANY (ARRAY['GSM-7'::text, 'UCS-2'::text]))),
  CONSTRAINT sms_messages_kind_check CHECK ((kind = ANY (ARRAY['text'::text, 'reply'::text, 'consent'::text, 'help'::text]))),
  CONSTRAINT sms_messages_message_sid_check CHECK ((message_sid ~ '^(SM|MM)[0-9a-f]{32}$'::text)),
  CONSTRAINT sms_messages_outcome_check CHECK ((outcome = ANY (ARRAY['new-ticket'::text, 'reply'::text, 'refused-unknown'::text, 'refused-disabled'::text, 'opt-out'::text, 'opt-in'::text, 'help'::text]))),
  CONSTRAINT sms_messages_phone_check CHECK ((phone ~ '^\+[1-9][0-9]{6,14}$'::text)),
  CONSTRAINT sms_messages_price_check CHECK ((price >= (0)::numeric)),
  CONSTRAINT sms_messages_price_unit_check CHECK ((price_unit ~ '^[A-Z]{3}$'::text))
);
CREATE INDEX sms_messages_month_idx ON public.sms_messages USING btree (created_at);
CREATE INDEX sms_messages_thread_idx ON public.sms_messages USING btree (number_id, phone, created_at DESC);
ALTER TABLE sms_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY readers ON sms_messages FOR SELECT TO PUBLIC
  USING ((app_can('sms:read:any'::text) OR (number_id IN ( SELECT sms_numbers.id
   FROM sms_numbers
  WHERE (sms_numbers.owner_id = app_user_id()))) OR (app_can('sms:manage'::text) AND (number_id IN ( SELECT sms_numbers.id
   FROM sms_numbers
  WHERE (sms_numbers.owner_id IS NULL))))));
CREATE POLICY system_all ON sms_messages FOR ALL TO PUBLIC
  USING ((app_context() = 'system'::text))
  WITH CHECK ((app_context() = 'system'::text));
GRANT DELETE, INSERT, SELECT, UPDATE ON sms_messages TO switchboard_app;

CREATE TABLE sms_numbers (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  e164 text NOT NULL,
  provider_sid text NOT NULL,
  country text NOT NULL,
  sms boolean DEFAULT true NOT NULL,
  mms boolean DEFAULT false NOT NULL,
  voice boolean DEFAULT false NOT NULL,
  monthly_price numeric(10,4),
  price_unit text,
  owner_id uuid,
  category_id uuid,
  label text,
  sms_url text,
  status_url text,
  webhooks_checked_at timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  released_at timestamp with time zone,
  last_sent_at timestamp with time zone,
  CONSTRAINT sms_numbers_pkey PRIMARY KEY (id),
  CONSTRAINT sms_numbers_provider_sid_key UNIQUE (provider_sid),
  CONSTRAINT sms_numbers_category_id_fkey FOREIGN KEY (category_id) REFERENCES ticket_categories(id) ON DELETE SET NULL,
  CONSTRAINT sms_numbers_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT sms_numbers_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
  CONSTRAINT sms_numbers_e164_check CHECK ((e164 ~ '^\+[1-9][0-9]{6,14}$'::text)),
  CONSTRAINT sms_numbers_label_check CHECK ((length(label) <= 80)),
  CONSTRAINT sms_numbers_price_unit_check CHECK ((price_unit ~ '^[A-Z]{3}$'::text)),
  CONSTRAINT sms_numbers_provider_sid_check CHECK ((length(provider_sid) <= 64))
);
CREATE INDEX sms_numbers_owner_idx ON public.sms_numbers USING btree (owner_id) WHERE (owner_id IS NOT NULL);
CREATE UNIQUE INDEX sms_numbers_e164_held_idx ON public.sms_numbers USING btree (e164) WHERE (released_at IS NULL);
ALTER TABLE sms_numbers ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_reads ON sms_numbers FOR SELECT TO PUBLIC
  USING ((owner_id = app_user_id()));
CREATE POLICY sms_admins ON sms_numbers FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('sms:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('sms:manage'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON sms_numbers TO switchboard_app;

CREATE TABLE sms_opt_outs (
  id bigint DEFAULT nextval('sms_opt_outs_id_seq'::regclass) NOT NULL,
  number_id uuid NOT NULL,
  phone text NOT NULL,
  opted_out boolean NOT NULL,
  source text NOT NULL,
  keyword text,
  message_id uuid,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT sms_opt_outs_pkey PRIMARY KEY (id),
  CONSTRAINT sms_opt_outs_message_id_fkey FOREIGN KEY (message_id) REFERENCES sms_messages(id),
  CONSTRAINT sms_opt_outs_number_id_fkey FOREIGN KEY (number_id) REFERENCES sms_numbers(id),
  CONSTRAINT sms_opt_outs_keyword_check CHECK ((length(keyword) <= 20)),
  CONSTRAINT sms_opt_outs_phone_check CHECK ((phone ~ '^\+[1-9][0-9]{6,14}$'::text)),
  CONSTRAINT sms_opt_outs_source_check CHECK ((source = ANY (ARRAY['keyword'::text, 'provider'::text, 'admin'::text])))
);
CREATE INDEX sms_opt_outs_phone_idx ON public.sms_opt_outs USING btree (number_id, phone, id DESC);
ALTER TABLE sms_opt_outs ENABLE ROW LEVEL SECURITY;
CREATE POLICY sms_admins ON sms_opt_outs FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('sms:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('sms:manage'::text)));
CREATE TRIGGER sms_opt_outs_append_only BEFORE DELETE OR UPDATE ON public.sms_opt_outs FOR EACH ROW EXECUTE FUNCTION sms_opt_outs_append_only();
CREATE TRIGGER sms_opt_outs_no_truncate BEFORE TRUNCATE ON public.sms_opt_outs FOR EACH STATEMENT EXECUTE FUNCTION sms_opt_outs_append_only();
GRANT INSERT, SELECT ON sms_opt_outs TO switchboard_app;

CREATE TABLE sms_webhook_counts (
  outcome text NOT NULL,
  n bigint DEFAULT 0 NOT NULL,
  last_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT sms_webhook_counts_pkey PRIMARY KEY (outcome)
);
ALTER TABLE sms_webhook_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY sms_admins_read ON sms_webhook_counts FOR SELECT TO PUBLIC
  USING (app_can('sms:manage'::text));
CREATE POLICY system_writes ON sms_webhook_counts FOR ALL TO PUBLIC
  USING ((app_context() = 'system'::text))
  WITH CHECK ((app_context() = 'system'::text));
GRANT DELETE, INSERT, SELECT, UPDATE ON sms_webhook_counts TO switchboard_app;

CREATE TABLE ticket_attachments (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  ticket_id uuid,
  message_id uuid,
  uploader_id uuid,
  uploader_client_id text,
  filename text NOT NULL,
  content_type text NOT NULL,
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  storage_key text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT ticket_attachments_pkey PRIMARY KEY (id),
  CONSTRAINT ticket_attachments_storage_key_key UNIQUE (storage_key),
  CONSTRAINT ticket_attachments_message_id_fkey FOREIGN KEY (message_id) REFERENCES ticket_messages(id) ON DELETE CASCADE,
  CONSTRAINT ticket_attachments_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT ticket_attachments_uploader_id_fkey FOREIGN KEY (uploader_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT ticket_attachments_claimed_check CHECK (((ticket_id IS NULL) = (message_id IS NULL))),
  CONSTRAINT ticket_attachments_filename_check CHECK (((length(filename) >= 1) AND (length(filename) <= 255))),
  CONSTRAINT ticket_attachments_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
  CONSTRAINT ticket_attachments_size_bytes_check CHECK ((size_bytes > 0))
);
CREATE INDEX ticket_attachments_message_idx ON public.ticket_attachments USING btree (message_id);
CREATE INDEX ticket_attachments_ticket_idx ON public.ticket_attachments USING btree (ticket_id);
CREATE INDEX ticket_attachments_unclaimed_idx ON public.ticket_attachments USING btree (created_at) WHERE (message_id IS NULL);
ALTER TABLE ticket_attachments ENABLE ROW LEVEL SECURITY;
CREATE POLICY uploader_requester_or_staff ON ticket_attachments FOR ALL TO PUBLIC
  USING ((( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))) OR ((message_id IS NULL) AND (uploader_id = ( SELECT app_user_id() AS app_user_id))) OR ((message_id IS NOT NULL) AND (EXISTS ( SELECT 1
   FROM (ticket_messages m
     JOIN tickets t ON ((t.id = m.ticket_id)))
  WHERE ((m.id = ticket_attachments.message_id) AND (m.visibility = 'public'::text) AND (t.requester_id = ( SELECT app_user_id() AS app_user_id))))))))
  WITH CHECK ((( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))) OR ((message_id IS NULL) AND (uploader_id = ( SELECT app_user_id() AS app_user_id))) OR ((message_id IS NOT NULL) AND (EXISTS ( SELECT 1
   FROM (ticket_messages m
     JOIN tickets t ON ((t.id = m.ticket_id)))
  WHERE ((m.id = ticket_attachments.message_id) AND (m.visibility = 'public'::text) AND (t.requester_id = ( SELECT app_user_id() AS app_user_id))))))));
GRANT DELETE, INSERT, SELECT, UPDATE ON ticket_attachments TO switchboard_app;

CREATE TABLE ticket_categories (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  name text NOT NULL,
  description text DEFAULT ''::text NOT NULL,
  archived_at timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT ticket_categories_pkey PRIMARY KEY (id),
  CONSTRAINT ticket_categories_name_check CHECK (((length(name) >= 1) AND (length(name) <= 80)))
);
CREATE UNIQUE INDEX ticket_categories_name_idx ON public.ticket_categories USING btree (lower(name));
GRANT DELETE, INSERT, SELECT, UPDATE ON ticket_categories TO switchboard_app;

CREATE TABLE ticket_events (
  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
  ticket_id uuid NOT NULL,
  actor_id uuid,
  kind text NOT NULL,
  from_value text,
  to_value text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT ticket_events_pkey PRIMARY KEY (id),
  CONSTRAINT ticket_events_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT ticket_events_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE
);
CREATE INDEX ticket_events_ticket_idx ON public.ticket_events USING btree (ticket_id, id);
ALTER TABLE ticket_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY requester_or_staff ON ticket_events FOR ALL TO PUBLIC
  USING ((( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))) OR (EXISTS ( SELECT 1
   FROM tickets t
  WHERE ((t.id = ticket_events.ticket_id) AND (t.requester_id = ( SELECT app_user_id() AS app_user_id)))))))
  WITH CHECK ((( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))) OR (EXISTS ( SELECT 1
   FROM tickets t
  WHERE ((t.id = ticket_events.ticket_id) AND (t.requester_id = ( SELECT app_user_id() AS app_user_id)))))));
GRANT DELETE, INSERT, SELECT, UPDATE ON ticket_events TO switchboard_app;

CREATE TABLE ticket_mail_ids (
  message_id text NOT NULL,
  ticket_id uuid NOT NULL,
  ticket_message_id uuid,
  direction text NOT NULL,
  refs text[] DEFAULT '{}'::text[] NOT NULL,
  recipient text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT ticket_mail_ids_pkey PRIMARY KEY (message_id),
  CONSTRAINT ticket_mail_ids_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT ticket_mail_ids_ticket_message_id_fkey FOREIGN KEY (ticket_message_id) REFERENCES ticket_messages(id) ON DELETE SET NULL,
  CONSTRAINT ticket_mail_ids_direction_check CHECK ((direction = ANY (ARRAY['in'::text, 'out'::text]))),
  CONSTRAINT ticket_mail_ids_message_id_check CHECK ((length(message_id) <= 998))
);
CREATE INDEX ticket_mail_ids_ticket_idx ON public.ticket_mail_ids USING btree (ticket_id, created_at DESC);
ALTER TABLE ticket_mail_ids ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_only ON ticket_mail_ids FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('tickets:read:any'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('tickets:read:any'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON ticket_mail_ids TO switchboard_app;

CREATE TABLE ticket_messages (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  ticket_id uuid NOT NULL,
  author_id uuid,
  body text NOT NULL,
  body_html text NOT NULL,
  visibility text NOT NULL,
  reply_to_id uuid,
  channel text NOT NULL,
  delivery_status text DEFAULT 'received'::text NOT NULL,
  language regconfig DEFAULT 'simple'::regconfig NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  search tsvector GENERATED ALWAYS AS (setweight(to_tsvector(language, body), 'B'::"char")) STORED,
  CONSTRAINT ticket_messages_pkey PRIMARY KEY (id),
  CONSTRAINT ticket_messages_author_id_fkey FOREIGN KEY (author_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT ticket_messages_reply_to_id_fkey FOREIGN KEY (reply_to_id) REFERENCES ticket_messages(id) ON DELETE SET NULL,
  CONSTRAINT ticket_messages_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT ticket_messages_body_check CHECK (((length(body) >= 1) AND (length(body) <= 50000))),
  CONSTRAINT ticket_messages_channel_check CHECK ((channel = ANY (ARRAY['web'::text, 'email'::text, 'sms'::text, 'api'::text]))),
  CONSTRAINT ticket_messages_delivery_status_check CHECK ((delivery_status = ANY (ARRAY['received'::text, 'queued'::text, 'sent'::text, 'delivered'::text, 'failed'::text]))),
  CONSTRAINT ticket_messages_visibility_check CHECK ((visibility = ANY (ARRAY['public'::text, 'internal'::text])))
);
CREATE INDEX ticket_messages_mailed ON public.ticket_messages USING btree (delivery_status) WHERE (delivery_status <> 'received'::text);
CREATE INDEX ticket_messages_search_idx ON public.ticket_messages USING gin (search);
CREATE INDEX ticket_messages_ticket_idx ON public.ticket_messages USING btree (ticket_id, created_at, id);
ALTER TABLE ticket_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY public_to_requester ON ticket_messages FOR ALL TO PUBLIC
  USING ((( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))) OR ((visibility = 'public'::text) AND (EXISTS ( SELECT 1
   FROM tickets t
  WHERE ((t.id = ticket_messages.ticket_id) AND (t.requester_id = ( SELECT app_user_id() AS app_user_id))))))))
  WITH CHECK ((( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))) OR ((visibility = 'public'::text) AND (EXISTS ( SELECT 1
   FROM tickets t
  WHERE ((t.id = ticket_messages.ticket_id) AND (t.requester_id = ( SELECT app_user_id() AS app_user_id))))))));
CREATE TRIGGER ticket_search_message_changed AFTER UPDATE OF body, language, visibility, ticket_id ON public.ticket_messages FOR EACH ROW WHEN (((old.body IS DISTINCT FROM new.body) OR ((old.language)::oid IS DISTINCT FROM (new.language)::oid) OR (old.visibility IS DISTINCT FROM new.visibility) OR (old.ticket_id IS DISTINCT FROM new.ticket_id))) EXECUTE FUNCTION ticket_search_message_changed();
CREATE TRIGGER ticket_search_messages_deleted AFTER DELETE ON public.ticket_messages REFERENCING OLD TABLE AS old_messages FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_messages_deleted();
CREATE TRIGGER ticket_search_messages_inserted AFTER INSERT ON public.ticket_messages REFERENCING NEW TABLE AS new_messages FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_messages_inserted();
GRANT DELETE, INSERT, SELECT, UPDATE ON ticket_messages TO switchboard_app;

CREATE TABLE ticket_notifications (
  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
  recipient_id uuid NOT NULL,
  ticket_id uuid NOT NULL,
  actor_id uuid,
  kind text NOT NULL,
  data jsonb DEFAULT '{}'::jsonb NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  sent_at timestamp with time zone,
  CONSTRAINT ticket_notifications_pkey PRIMARY KEY (id),
  CONSTRAINT ticket_notifications_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT ticket_notifications_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES users(id) ON DELETE CASCADE,
  CONSTRAINT ticket_notifications_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT ticket_notifications_kind_check CHECK ((kind = ANY (ARRAY['ticket_created'::text, 'agent_reply'::text, 'status_changed'::text, 'customer_reply'::text, 'ticket_assigned'::text, 'reply_undelivered'::text])))
);
CREATE INDEX ticket_notifications_pending_idx ON public.ticket_notifications USING btree (recipient_id, id) WHERE (sent_at IS NULL);
CREATE INDEX ticket_notifications_sent_idx ON public.ticket_notifications USING btree (recipient_id, sent_at) WHERE (sent_at IS NOT NULL);
ALTER TABLE ticket_notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY queued_as_actor ON ticket_notifications FOR INSERT TO PUBLIC
  WITH CHECK (((app_context() = 'system'::text) OR (NOT (actor_id IS DISTINCT FROM app_user_id()))));
CREATE POLICY system_only ON ticket_notifications FOR ALL TO PUBLIC
  USING ((app_context() = 'system'::text))
  WITH CHECK ((app_context() = 'system'::text));
GRANT DELETE, INSERT, SELECT, UPDATE ON ticket_notifications TO switchboard_app;

CREATE TABLE ticket_participants (
  ticket_id uuid NOT NULL,
  email text NOT NULL,
  added_by uuid,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT ticket_participants_pk PRIMARY KEY (ticket_id, email),
  CONSTRAINT ticket_participants_added_by_fkey FOREIGN KEY (added_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT ticket_participants_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT ticket_participants_email_check CHECK (((email = lower(email)) AND (length(email) <= 254)))
);
ALTER TABLE ticket_participants ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_only ON ticket_participants FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR app_can('tickets:read:any'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR app_can('tickets:read:any'::text)));
GRANT DELETE, INSERT, SELECT, UPDATE ON ticket_participants TO switchboard_app;

CREATE TABLE ticket_search_documents (
  ticket_id uuid NOT NULL,
  audience text NOT NULL,
  number bigint NOT NULL,
  requester_id uuid NOT NULL,
  doc tsvector NOT NULL,
  CONSTRAINT ticket_search_documents_pkey PRIMARY KEY (ticket_id, audience),
  CONSTRAINT ticket_search_documents_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT ticket_search_documents_audience_check CHECK ((audience = ANY (ARRAY['public'::text, 'team'::text])))
);
CREATE INDEX ticket_search_documents_public_doc_idx ON public.ticket_search_documents USING gin (doc) WITH (gin_pending_list_limit='256') WHERE (audience = 'public'::text);
CREATE INDEX ticket_search_documents_requester_idx ON public.ticket_search_documents USING btree (requester_id, number DESC) WHERE (audience = 'public'::text);
CREATE INDEX ticket_search_documents_team_doc_idx ON public.ticket_search_documents USING gin (doc) WITH (gin_pending_list_limit='256') WHERE (audience = 'team'::text);
CREATE INDEX ticket_search_documents_team_idx ON public.ticket_search_documents USING btree (number DESC) WHERE (audience = 'team'::text);
ALTER TABLE ticket_search_documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff_only ON ticket_search_documents FOR SELECT TO PUBLIC
  USING (( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))));
GRANT SELECT ON ticket_search_documents TO switchboard_app;

CREATE TABLE ticket_statuses (
  name text NOT NULL,
  label text NOT NULL,
  kind text NOT NULL,
  "position" integer NOT NULL,
  CONSTRAINT ticket_statuses_pkey PRIMARY KEY (name),
  CONSTRAINT ticket_statuses_kind_check CHECK ((kind = ANY (ARRAY['open'::text, 'waiting'::text, 'resolved'::text, 'closed'::text]))),
  CONSTRAINT ticket_statuses_name_check CHECK ((name ~ '^[a-z][a-z0-9_]{1,39}$'::text))
);
CREATE TRIGGER ticket_statuses_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.ticket_statuses FOR EACH STATEMENT EXECUTE FUNCTION notify_tickets_changed();
GRANT DELETE, INSERT, SELECT, UPDATE ON ticket_statuses TO switchboard_app;

CREATE TABLE tickets (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  number bigint DEFAULT nextval('ticket_number_seq'::regclass) NOT NULL,
  subject text NOT NULL,
  requester_id uuid NOT NULL,
  assignee_id uuid,
  operator_id uuid,
  category_id uuid,
  priority text DEFAULT 'normal'::text NOT NULL,
  status text DEFAULT 'open'::text NOT NULL,
  channel text NOT NULL,
  tags text[] DEFAULT '{}'::text[] NOT NULL,
  language regconfig DEFAULT 'simple'::regconfig NOT NULL,
  version integer DEFAULT 1 NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  resolved_at timestamp with time zone,
  closed_at timestamp with time zone,
  search tsvector GENERATED ALWAYS AS (setweight(to_tsvector(language, subject), 'A'::"char")) STORED,
  CONSTRAINT tickets_pkey PRIMARY KEY (id),
  CONSTRAINT tickets_number_key UNIQUE (number),
  CONSTRAINT tickets_assignee_id_fkey FOREIGN KEY (assignee_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT tickets_category_id_fkey FOREIGN KEY (category_id) REFERENCES ticket_categories(id) ON DELETE SET NULL,
  CONSTRAINT tickets_requester_id_fkey FOREIGN KEY (requester_id) REFERENCES users(id) ON DELETE RESTRICT,
  CONSTRAINT tickets_status_fkey FOREIGN KEY (status) REFERENCES ticket_statuses(name) ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT tickets_channel_check CHECK ((channel = ANY (ARRAY['web'::text, 'email'::text, 'sms'::text, 'api'::text]))),
  CONSTRAINT tickets_priority_check CHECK ((priority = ANY (ARRAY['low'::text, 'normal'::text, 'high'::text, 'urgent'::text]))),
  CONSTRAINT tickets_subject_check CHECK (((length(subject) >= 1) AND (length(subject) <= 200)))
);
CREATE INDEX tickets_assignee_idx ON public.tickets USING btree (assignee_id, number DESC);
CREATE INDEX tickets_requester_idx ON public.tickets USING btree (requester_id, number DESC);
CREATE INDEX tickets_resolved_idx ON public.tickets USING btree (resolved_at) WHERE (resolved_at IS NOT NULL);
CREATE INDEX tickets_search_idx ON public.tickets USING gin (search) WITH (gin_pending_list_limit='256');
CREATE INDEX tickets_status_idx ON public.tickets USING btree (status, number DESC);
CREATE INDEX tickets_tags_idx ON public.tickets USING gin (tags);
CREATE INDEX tickets_unassigned_idx ON public.tickets USING btree (number DESC) WHERE (assignee_id IS NULL);
CREATE INDEX tickets_updated_idx ON public.tickets USING btree (updated_at DESC, id DESC);
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
CREATE POLICY requester_or_staff ON tickets FOR ALL TO PUBLIC
  USING ((( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))) OR (requester_id = ( SELECT app_user_id() AS app_user_id))))
  WITH CHECK ((( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))) OR (requester_id = ( SELECT app_user_id() AS app_user_id))));
CREATE TRIGGER ticket_search_changed AFTER UPDATE OF subject, language, requester_id, number ON public.tickets FOR EACH ROW WHEN (((old.subject IS DISTINCT FROM new.subject) OR ((old.language)::oid IS DISTINCT FROM (new.language)::oid) OR (old.requester_id IS DISTINCT FROM new.requester_id) OR (old.number IS DISTINCT FROM new.number))) EXECUTE FUNCTION ticket_search_ticket_changed();
CREATE TRIGGER ticket_search_inserted AFTER INSERT ON public.tickets REFERENCING NEW TABLE AS new_tickets FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_tickets_inserted();
CREATE TRIGGER tickets_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.tickets FOR EACH STATEMENT EXECUTE FUNCTION notify_tickets_changed();
GRANT DELETE, INSERT, SELECT, UPDATE ON tickets TO switchboard_app;

CREATE TABLE time_entries (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  ticket_id uuid NOT NULL,
  agent_id uuid,
  minutes integer NOT NULL,
  note text DEFAULT ''::text NOT NULL,
  billable boolean DEFAULT true NOT NULL,
  work_date date NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT time_entries_pkey PRIMARY KEY (id),
  CONSTRAINT time_entries_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT time_entries_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT time_entries_minutes_check CHECK (((minutes >= 1) AND (minutes <= 1440)))
);
CREATE INDEX time_entries_ticket_idx ON public.time_entries USING btree (ticket_id, work_date);
ALTER TABLE time_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff_only ON time_entries FOR ALL TO PUBLIC
  USING (( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))))
  WITH CHECK (( SELECT ((app_context() = 'system'::text) OR app_can('tickets:read:any'::text))));
GRANT DELETE, INSERT, SELECT, UPDATE ON time_entries TO switchboard_app;

CREATE TABLE users (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  email text NOT NULL,
  display_name text NOT NULL,
  company text,
  phone text,
  phone_verified_at timestamp with time zone,
  locale text,
  time_zone text,
  status text DEFAULT 'pending_verification'::text NOT NULL,
  roles text[] DEFAULT '{customer}'::text[] NOT NULL,
  email_verified_at timestamp with time zone,
  password_hash text,
  password_changed_at timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_email_key UNIQUE (email),
  CONSTRAINT users_email_check CHECK ((email = lower(btrim(email)))),
  CONSTRAINT users_phone_check CHECK ((phone ~ '^\+[1-9][0-9]{6,14}$'::text)),
  CONSTRAINT users_status_check CHECK ((status = ANY (ARRAY['active'::text, 'disabled'::text, 'pending_verification'::text])))
);
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_staff ON users FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR (id = app_user_id()) OR app_can('users:read'::text) OR app_can('users:manage'::text) OR app_can('users:invite'::text) OR app_can('roles:manage'::text)))
  WITH CHECK (((app_context() = 'system'::text) OR (id = app_user_id()) OR app_can('users:read'::text) OR app_can('users:manage'::text) OR app_can('users:invite'::text) OR app_can('roles:manage'::text)));
CREATE TRIGGER users_changed AFTER DELETE OR UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION notify_user_changed();
GRANT DELETE, INSERT, SELECT, UPDATE ON users TO switchboard_app;

CREATE TABLE webauthn_challenges (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  purpose text NOT NULL,
  user_id uuid,
  challenge text NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  CONSTRAINT webauthn_challenges_pkey PRIMARY KEY (id),
  CONSTRAINT webauthn_challenges_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  CONSTRAINT webauthn_challenges_purpose_check CHECK ((purpose = ANY (ARRAY['register'::text, 'authenticate'::text])))
);
CREATE INDEX webauthn_challenges_expiry_idx ON public.webauthn_challenges USING btree (expires_at);
ALTER TABLE webauthn_challenges ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_or_staff ON webauthn_challenges FOR ALL TO PUBLIC
  USING (((app_context() = 'system'::text) OR (user_id = app_user_id())))
  WITH CHECK (((app_context() = 'system'::text) OR (user_id = app_user_id())));
GRANT DELETE, INSERT, SELECT, UPDATE ON webauthn_challenges TO switchboard_app;

-- Views and sequences

CREATE SEQUENCE ticket_number_seq;
GRANT SELECT, USAGE ON SEQUENCE ticket_number_seq TO switchboard_app;

GRANT SELECT, USAGE ON SEQUENCE audit_checkpoints_id_seq TO switchboard_app;

GRANT SELECT, USAGE ON SEQUENCE audit_log_id_seq TO switchboard_app;

GRANT SELECT, USAGE ON SEQUENCE auth_events_id_seq TO switchboard_app;

GRANT SELECT, USAGE ON SEQUENCE sms_opt_outs_id_seq TO switchboard_app;

GRANT SELECT, USAGE ON SEQUENCE ticket_events_id_seq TO switchboard_app;

GRANT SELECT, USAGE ON SEQUENCE ticket_notifications_id_seq TO switchboard_app;

-- Functions

CREATE OR REPLACE FUNCTION public.active_users_in_roles(role_names text[])
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'public'
AS $function$ select id from users where status = 'active' and roles && role_names $function$;
REVOKE EXECUTE ON FUNCTION active_users_in_roles(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION active_users_in_roles(text[]) TO switchboard_app;

CREATE OR REPLACE FUNCTION public.app_can(permission text)
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$ select permission = any(string_to_array(coalesce(current_setting('app.permissions', true), ''), ',')) $function$;

CREATE OR REPLACE FUNCTION public.app_context()
 RETURNS text
 LANGUAGE sql
 STABLE
AS $function$ select coalesce(current_setting('app.context', true), '') $function$;

CREATE OR REPLACE FUNCTION public.app_user_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE
AS $function$ select nullif(current_setting('app.user_id', true), '')::uuid $function$;

CREATE OR REPLACE FUNCTION public.audit_purge(cutoff timestamp with time zone)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
    declare last_row record; removed bigint; oldest_kept timestamptz; first_kept bigint;
    begin
      select now() - make_interval(days => days) into oldest_kept from audit_retention;
      if oldest_kept is null then raise exception 'audit_retention has no floor'; end if;
      if cutoff is null or cutoff > oldest_kept then cutoff := oldest_kept; end if;
      perform pg_advisory_xact_lock(7355608);
      -- Only the unbroken run of old rows at the start: a row dated in the past appended at the end
      -- (the app role may insert) must not take every row before it along.
      select id into first_kept from audit_log where occurred_at >= cutoff order by id limit 1;
      select id, hash into last_row from audit_log
        where occurred_at < cutoff and (first_kept is null or id < first_kept) order by id desc limit 1;
      if last_row.id is null then return 0; end if;
      insert into audit_anchor (id, last_purged_id, last_purged_hash, purged_at)
        values (true, last_row.id, last_row.hash, now())
        on conflict (id) do update set last_purged_id = excluded.last_purged_id,
          last_purged_hash = excluded.last_purged_hash, purged_at = excluded.purged_at;
      delete from audit_log where id <= last_row.id;
      get diagnostics removed = row_count;
      return removed;
    end $function$;
REVOKE EXECUTE ON FUNCTION audit_purge(timestamp with time zone) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_purge(timestamp with time zone) TO switchboard_app;

CREATE OR REPLACE FUNCTION public.notify_mail_mailboxes_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    begin
      perform pg_notify('switchboard_db_events', '{"c":"mail_mailboxes.changed","m":null}');
      return null;
    end $function$;

CREATE OR REPLACE FUNCTION public.notify_tickets_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    begin
      perform pg_notify('switchboard_db_events', '{"c":"tickets.changed","m":null}');
      return null;
    end $function$;

CREATE OR REPLACE FUNCTION public.notify_user_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    begin
      perform pg_notify('switchboard_db_events', json_build_object('c', 'users.changed', 'm', old.id)::text);
      return null;
    end $function$;

CREATE OR REPLACE FUNCTION public.sms_opt_outs_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    begin
      raise exception 'sms_opt_outs is append-only';
    end $function$;

CREATE OR REPLACE FUNCTION public.ticket_search_candidates(q tsquery, per_kind integer)
 RETURNS TABLE(ticket_id uuid, rank real)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER ROWS 100
 SET search_path TO 'public'
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
  declare
    staff boolean := app_context() = 'system' or app_can('tickets:read:any');
    requester uuid := app_user_id();
    ids uuid[];
  begin
    if not staff and requester is null then return; end if;
    if staff then
      ids := ticket_search_team_subjects(q, per_kind);
      
  return query with docs as materialized (select h.ticket_id, h.rank from ticket_search_team_documents(q, per_kind) h)
    select f.ticket_id, f.rank from docs f
    union all
    select s.id, null::real from unnest(ids) s (id) where s.id not in (select f.ticket_id from docs f);
    else
      ids := ticket_search_own_subjects(q, per_kind, requester);
      
  return query with docs as materialized (select h.ticket_id, h.rank from ticket_search_public_documents(q, per_kind, requester) h)
    select f.ticket_id, f.rank from docs f
    union all
    select s.id, null::real from unnest(ids) s (id) where s.id not in (select f.ticket_id from docs f);
    end if;
  end $function$;

CREATE OR REPLACE FUNCTION public.ticket_search_concat(doc tsvector, more tsvector)
 RETURNS tsvector
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
    begin
      return doc || more;
    exception when program_limit_exceeded then
      begin
        return strip(doc) || strip(more);
      exception when program_limit_exceeded then
        return doc;
      end;
    end $function$;

CREATE OR REPLACE FUNCTION public.ticket_search_message_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$ begin perform ticket_search_refresh(array[old.ticket_id, new.ticket_id]); return null; end $function$;

CREATE OR REPLACE FUNCTION public.ticket_search_messages_deleted()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$ begin perform ticket_search_refresh(array(select distinct ticket_id from old_messages)); return null; end $function$;

CREATE OR REPLACE FUNCTION public.ticket_search_messages_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$ begin update ticket_search_documents d set doc = ticket_search_concat(d.doc, n.doc)
      from (
        select ticket_id, 'team' as audience, ticket_search_agg(search order by created_at, id) as doc
        from new_messages group by ticket_id
        union all
        select ticket_id, 'public', ticket_search_agg(search order by created_at, id)
        from new_messages where visibility = 'public' group by ticket_id) n
      where d.ticket_id = n.ticket_id and d.audience = n.audience; return null; end $function$;

CREATE OR REPLACE FUNCTION public.ticket_search_own_subjects(q tsquery, per_kind integer, requester uuid)
 RETURNS uuid[]
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public'
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
    declare
      window_size constant integer := per_kind * 4;
      hits uuid[] := '{}';
      lowest bigint;
      further integer;
    begin
      
    select hits || coalesce(array_agg(m.id), '{}') into hits
    from (select w.id from (select t.id, t.number, t.search from tickets t
        where t.requester_id = requester  order by t.number desc limit window_size) w
      where w.search @@ q order by w.number desc limit per_kind - cardinality(hits)) m;
      if cardinality(hits) < per_kind then
        lowest := (
    select t.number from tickets t where t.requester_id = requester 
    order by t.number desc offset window_size - 1 limit 1);
        if lowest is not null and cardinality(hits) * 25 >= window_size then
          further := greatest(window_size,
            ceil(2.0 * (per_kind - cardinality(hits)) * window_size / cardinality(hits)));
          
    select hits || coalesce(array_agg(m.id), '{}') into hits
    from (select w.id from (select t.id, t.number, t.search from tickets t
        where t.requester_id = requester and t.number < lowest order by t.number desc limit further) w
      where w.search @@ q order by w.number desc limit per_kind - cardinality(hits)) m;
          lowest := case when cardinality(hits) < per_kind then (
    select t.number from tickets t where t.requester_id = requester and t.number < lowest
    order by t.number desc offset further - 1 limit 1) end;
        end if;
        if lowest is not null then
          -- Materialized, so the number condition cannot turn it back into a walk.
          execute $q$with matching as materialized (
              select t.id, t.number from tickets t where t.requester_id = $5 and t.number < $2 and t.search @@ $1)
            select $4 || array(select f.id from matching f where f.number < $2
              order by f.number desc limit $3)$q$
            into hits using q, lowest, per_kind - cardinality(hits), hits, requester;
        end if;
      end if;
      return hits;
    end $function$;
REVOKE EXECUTE ON FUNCTION ticket_search_own_subjects(tsquery,integer,uuid) FROM PUBLIC;

CREATE OR REPLACE FUNCTION public.ticket_search_public_documents(q tsquery, per_kind integer, requester uuid)
 RETURNS TABLE(ticket_id uuid, rank real)
 LANGUAGE plpgsql
 STABLE ROWS 50
 SET search_path TO 'public'
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
    declare
      window_size constant integer := per_kind * 4;
      hits uuid[] := '{}';
      ranks real[] := '{}';
      lowest bigint;
      further integer;
    begin
      
    select hits || coalesce(array_agg(m.ticket_id), '{}'), ranks || coalesce(array_agg(m.r), '{}')
    into hits, ranks
    from (select w.ticket_id, ts_rank(w.doc, q, 32) as r
      from (select d.ticket_id, d.number, d.doc from ticket_search_documents d
        where d.audience = 'public' and d.requester_id = requester  order by d.number desc limit window_size) w
      where w.doc @@ q order by w.number desc limit per_kind - cardinality(hits)) m;
      if cardinality(hits) < per_kind then
        lowest := (
    select d.number from ticket_search_documents d where d.audience = 'public' and d.requester_id = requester 
    order by d.number desc offset window_size - 1 limit 1);
        if lowest is not null and cardinality(hits) * 25 >= window_size then
          further := greatest(window_size,
            ceil(2.0 * (per_kind - cardinality(hits)) * window_size / cardinality(hits)));
          
    select hits || coalesce(array_agg(m.ticket_id), '{}'), ranks || coalesce(array_agg(m.r), '{}')
    into hits, ranks
    from (select w.ticket_id, ts_rank(w.doc, q, 32) as r
      from (select d.ticket_id, d.number, d.doc from ticket_search_documents d
        where d.audience = 'public' and d.requester_id = requester and d.number < lowest order by d.number desc limit further) w
      where w.doc @@ q order by w.number desc limit per_kind - cardinality(hits)) m;
          lowest := case when cardinality(hits) < per_kind then (
    select d.number from ticket_search_documents d where d.audience = 'public' and d.requester_id = requester and d.number < lowest
    order by d.number desc offset further - 1 limit 1) end;
        end if;
        if lowest is not null then
          execute $q$with matching as materialized (
              select d.ticket_id, d.number from ticket_search_documents d
              where d.audience = 'public' and d.requester_id = $6 and d.number < $2 and d.doc @@ $1),
            newest as (
              select f.ticket_id from matching f where f.number < $2 order by f.number desc limit $3)
            select $4 || coalesce(array_agg(d.ticket_id), '{}'),
              $5 || coalesce(array_agg(ts_rank(d.doc, $1, 32)), '{}')
            from newest n join ticket_search_documents d on d.ticket_id = n.ticket_id
            where d.audience = 'public' and d.requester_id = $6 and d.number < $2$q$
            into hits, ranks using q, lowest, per_kind - cardinality(hits), hits, ranks, requester;
        end if;
      end if;
      return query select h.id, h.r from unnest(hits, ranks) h (id, r);
    end $function$;
REVOKE EXECUTE ON FUNCTION ticket_search_public_documents(tsquery,integer,uuid) FROM PUBLIC;

CREATE OR REPLACE FUNCTION public.ticket_search_refresh(ids uuid[])
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
      insert into ticket_search_documents as d (ticket_id, audience, number, requester_id, doc)
      
  select t.id, a.audience, t.number, t.requester_id, a.doc
  from tickets t cross join lateral (
    select ticket_search_agg(v.search order by v.at, v.id) filter (where v.public) as public,
      ticket_search_agg(v.search order by v.at, v.id) as team
    from (
      select t.search, '-infinity'::timestamptz as at, null::uuid as id, true as public
      union all
      select m.search, m.created_at, m.id, m.visibility = 'public'
      from ticket_messages m where m.ticket_id = t.id) v) d
  cross join lateral (values ('public', d.public), ('team', d.team)) a (audience, doc) where t.id = any(ids)
      on conflict (ticket_id, audience) do update set number = excluded.number,
        requester_id = excluded.requester_id, doc = excluded.doc
    $function$;
REVOKE EXECUTE ON FUNCTION ticket_search_refresh(uuid[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION public.ticket_search_team_documents(q tsquery, per_kind integer)
 RETURNS TABLE(ticket_id uuid, rank real)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public'
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
    declare
      window_size constant integer := per_kind * 4;
      hits uuid[] := '{}';
      ranks real[] := '{}';
      lowest bigint;
      further integer;
    begin
      
    select hits || coalesce(array_agg(m.ticket_id), '{}'), ranks || coalesce(array_agg(m.r), '{}')
    into hits, ranks
    from (select w.ticket_id, ts_rank(w.doc, q, 32) as r
      from (
    select d.ticket_id, d.number, d.doc from ticket_search_documents d where d.audience = 'team'  order by number desc limit window_size) w
      where w.doc @@ q order by w.number desc limit per_kind - cardinality(hits)) m;
      if cardinality(hits) < per_kind then
        lowest := (
    select d.number from ticket_search_documents d where d.audience = 'team' 
    order by d.number desc offset window_size - 1 limit 1);
        if lowest is not null and cardinality(hits) * 25 >= window_size then
          further := greatest(window_size,
            ceil(2.0 * (per_kind - cardinality(hits)) * window_size / cardinality(hits)));
          
    select hits || coalesce(array_agg(m.ticket_id), '{}'), ranks || coalesce(array_agg(m.r), '{}')
    into hits, ranks
    from (select w.ticket_id, ts_rank(w.doc, q, 32) as r
      from (
    select d.ticket_id, d.number, d.doc from ticket_search_documents d where d.audience = 'team' and lowest > number order by number desc limit further) w
      where w.doc @@ q order by w.number desc limit per_kind - cardinality(hits)) m;
          lowest := case when cardinality(hits) < per_kind then (
    select d.number from ticket_search_documents d where d.audience = 'team' and lowest > number
    order by d.number desc offset further - 1 limit 1) end;
        end if;
        if lowest is not null then
          
      select hits || coalesce(array_agg(d.ticket_id), '{}'),
        ranks || coalesce(array_agg(ts_rank(d.doc, q, 32)), '{}')
      into hits, ranks
      from (with matching as materialized (
          select d.ticket_id, d.number from ticket_search_documents d
          where d.audience = 'team' and d.doc @@ q)
        select f.ticket_id from matching f where f.number < lowest
        order by f.number desc limit per_kind - cardinality(hits)) n
      join ticket_search_documents d on d.ticket_id = n.ticket_id and d.audience = 'team';
        end if;
      end if;
      return query select h.id, h.r from unnest(hits, ranks) h (id, r);
    end $function$;
REVOKE EXECUTE ON FUNCTION ticket_search_team_documents(tsquery,integer) FROM PUBLIC;

CREATE OR REPLACE FUNCTION public.ticket_search_team_subjects(q tsquery, per_kind integer)
 RETURNS uuid[]
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public'
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
    declare
      window_size constant integer := per_kind * 4;
      hits uuid[] := '{}';
      
      lowest bigint;
      further integer;
    begin
      
    select hits || coalesce(array_agg(m.id), '{}') into hits
    from (select w.id from (select t.id, t.number, t.search from tickets t where true  order by number desc limit window_size) w
      where w.search @@ q order by w.number desc limit per_kind - cardinality(hits)) m;
      if cardinality(hits) < per_kind then
        lowest := (
    select t.number from tickets t where true  order by t.number desc offset window_size - 1 limit 1);
        if lowest is not null and cardinality(hits) * 25 >= window_size then
          further := greatest(window_size,
            ceil(2.0 * (per_kind - cardinality(hits)) * window_size / cardinality(hits)));
          
    select hits || coalesce(array_agg(m.id), '{}') into hits
    from (select w.id from (select t.id, t.number, t.search from tickets t where true and lowest > number order by number desc limit further) w
      where w.search @@ q order by w.number desc limit per_kind - cardinality(hits)) m;
          lowest := case when cardinality(hits) < per_kind then (
    select t.number from tickets t where true and lowest > number order by t.number desc offset further - 1 limit 1) end;
        end if;
        if lowest is not null then
          
      hits := hits || array(with matching as materialized (
          select t.id, t.number from tickets t where t.search @@ q)
        select f.id from matching f where f.number < lowest
        order by f.number desc limit per_kind - cardinality(hits));
        end if;
      end if;
      return hits;
    end $function$;
REVOKE EXECUTE ON FUNCTION ticket_search_team_subjects(tsquery,integer) FROM PUBLIC;

CREATE OR REPLACE FUNCTION public.ticket_search_ticket_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$ begin perform ticket_search_refresh(array[new.id]); return null; end $function$;

CREATE OR REPLACE FUNCTION public.ticket_search_tickets_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$ begin insert into ticket_search_documents (ticket_id, audience, number, requester_id, doc)
      select n.id, a.audience, n.number, n.requester_id, n.search
      from new_tickets n cross join (values ('public'), ('team')) a (audience); return null; end $function$;

CREATE OR REPLACE FUNCTION public.user_display_name(uid uuid)
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'public'
AS $function$ select display_name from users where id = uid $function$;
