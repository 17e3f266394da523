import pg from 'pg';

/**
 * Seeds a migrated database for the ticket bench, server-side (`insert … select generate_series`),
 * as the owner (row-level security does not apply). The text is built from word lists with a
 * skewed (Zipf-like) pick, so common words hit many rows and rare ones (error codes, product
 * names) a handful: full-text search has real work to do. `setseed` makes every run the same data.
 */
export interface SeedCounts {
  tickets: number;
  messages: number;
  agents: number;
  customers: number;
}

const list = (words: string[]) => `array[${words.map((w) => `'${w}'`).join(',')}]`;
const DEVICES = list(
  'laptop,printer,phone,monitor,router,docking station,keyboard,headset,tablet,scanner,webcam,desktop'.split(
    ',',
  ),
);
const TOPICS = list(
  'VPN,email,password,invoice,Wi-Fi,Outlook,Teams,backup,license,calendar,SharePoint,payroll,badge,MFA,shared drive,website,billing,account,upgrade,migration'.split(
    ',',
  ),
);
const PROBLEMS = list(
  'keeps disconnecting,will not start,is very slow,shows an error,stopped syncing,asks for my password again,crashes on launch,cannot connect,is locked,prints blank pages,freezes after the update,lost all settings'.split(
    ',',
  ),
);
// Ordered by frequency: low indexes are picked more often (index = n * random()^1.5), so the first
// words are in about a fifth of the messages and the last in about 2 %.
const VOCABULARY = list(
  `please help error update again today since morning still working issue problem screen restart
   network connection office remote home reinstall cable driver battery firmware certificate proxy
   browser chrome firefox safari windows macos linux android iphone server database report export
   import spreadsheet attachment signature mailbox quota archive folder permission admin manager
   colleague deadline urgent meeting client customer supplier contract renewal refund receipt
   timeout latency packet dns dhcp gateway firewall antivirus malware phishing spam quarantine
   bluetooth hdmi usb thunderbolt charger fan overheating noise flicker resolution brightness
   toner cartridge jam tray duplex spooler kerberos ldap saml oauth token expired revoked
   rollback hotfix patch changelog regression sandbox staging production kubernetes docker
   terraform ansible jenkins grafana prometheus elasticsearch kafka rabbitmq redis postgres
   zeppelin quasar obsidian nimbus halcyon tessellate kaleidoscope marzipan xylophone quokka`
    .split(/\s+/)
    .filter(Boolean),
);
const TAGS = list(
  'vpn,hardware,email,billing,access,network,printer,onboarding,security,mobile,vip,bug'.split(','),
);

const pick = (array: string, power = 1) =>
  `(${array})[1 + floor(random() ^ ${power} * array_length(${array}, 1))::int]`;
const words = (n: number) => Array.from({ length: n }, () => pick(VOCABULARY, 1.5)).join(` || ' ' || `);

export async function seedTickets(url: string, counts: SeedCounts, passwordHash: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const run = (text: string, values: unknown[] = []) => client.query(text, values);
  try {
    await run(`set maintenance_work_mem = '512MB'`);
    await run('select setseed(0.42)');
    await run(
      `insert into users (email, display_name, roles, status, email_verified_at, password_hash)
       select 'agent' || g || '@bench.example', 'Agent ' || g, '{agent}'::text[], 'active', now(), $1
       from generate_series(1, $2::int) g
       union all
       select 'customer' || g || '@bench.example', 'Customer ' || g, '{customer}'::text[], 'active', now(), $1
       from generate_series(1, $3::int) g`,
      [passwordHash, counts.agents, counts.customers],
    );
    await run(
      `insert into ticket_categories (name)
       select unnest(array['Hardware','Software','Network','Accounts','Billing','Email','Printing','Other'])`,
    );
    // Requesters are skewed (random()^2): a few customers (companies) open a large share.
    await run(
      `with people as (
         select array(select id from users where roles = '{agent}' order by email) as agents,
                array(select id from users where roles = '{customer}' order by email) as customers,
                array(select id from ticket_categories order by name) as categories),
       raw as (
         select g, random() as s, random() as r, random() as a, random() as p,
           now() - ($1::int - g) * interval '10 minutes' as created
         from generate_series(1, $1::int) g)
       insert into tickets (subject, requester_id, assignee_id, category_id, priority, status, channel,
         tags, language, created_at, updated_at, resolved_at, closed_at)
       select subject, requester, assignee, category, priority, status, channel, tags, 'english'::regconfig,
         created, updated, case when status in ('resolved','closed') then updated end,
         case when status = 'closed' then updated end
       from (
         select raw.*,
           initcap(${pick(TOPICS)}) || ' ' || ${pick(PROBLEMS)} ||
             case when random() < 0.5 then ' on my ' || ${pick(DEVICES)} else '' end ||
             case when random() < 0.3 then ' (' || ${words(2)} || ')' else '' end as subject,
           customers[1 + floor(r ^ 2 * array_length(customers, 1))::int] as requester,
           case when s < 0.2 and a < 0.5 then null
             else agents[1 + floor(random() * array_length(agents, 1))::int] end as assignee,
           case when random() < 0.9 then categories[1 + floor(random() * 8)::int] end as category,
           case when p < 0.2 then 'low' when p < 0.75 then 'normal' when p < 0.95 then 'high' else 'urgent' end
             as priority,
           case when s < 0.2 then 'open' when s < 0.3 then 'in_progress'
             when s < 0.4 then 'waiting_on_customer' when s < 0.45 then 'waiting_on_third_party'
             when s < 0.7 then 'resolved' else 'closed' end as status,
           (array['web','email','sms','api'])[1 + floor(random() ^ 2 * 4)::int] as channel,
           array(select distinct ${pick(TAGS, 2)} from generate_series(1, floor(random() * 4)::int)
             where g > 0) as tags,
           least(now(), created + random() * interval '10 days') as updated
         from raw, people) t`,
      [counts.tickets],
    );
    // Messages go to random tickets (about messages/tickets each), a sixth of them internal notes.
    await run(
      `with agents as (select array(select id from users where roles = '{agent}') as ids),
       first as (select min(number) as number from tickets)
       insert into ticket_messages (ticket_id, author_id, body, body_html, visibility, channel, language, created_at)
       select t.id, case when m.internal or m.from_team then m.agent else t.requester_id end, m.body,
         '<p>' || m.body || '</p>', case when m.internal then 'internal' else 'public' end, t.channel,
         'english'::regconfig, least(now(), t.created_at + m.offset_minutes * interval '1 minute')
       from (
         select first.number + floor(random() * $2::int)::bigint as number, random() < 0.15 as internal,
           random() < 0.5 as from_team, random() * 14400 as offset_minutes,
           agents.ids[1 + floor(random() * array_length(agents.ids, 1))::int] as agent,
           case when random() < 0.6 then 'Hi, ' else 'Hello team, ' end ||
           'my ' || ${pick(DEVICES)} || ' ' || ${pick(PROBLEMS)} || ' when I open ' || ${pick(TOPICS)} || '. ' ||
           ${words(4)} || '. ' ||
           case when random() < 0.5 then 'It started after the ' || ${pick(TOPICS)} || ' ' || ${words(2)} || '. ' else '' end ||
           ${words(4)} || '. ' ||
           case when random() < 0.05 then 'Error code ERR-' || floor(random() * 20000)::int || '. ' else '' end ||
           case when random() < 0.05 then 'Asset tag SN' || floor(random() * 1000000)::int || '. ' else '' end ||
           case when random() < 0.3 then 'Tried restarting the ' || ${pick(DEVICES)} || ', no luck. ' else '' end ||
           'Thanks' as body
         from generate_series(1, $1::int) g, agents, first) m
       join tickets t on t.number = m.number`,
      [counts.messages, counts.tickets],
    );
    // As autovacuum would after a bulk load (it is off on some servers): a search walks the documents
    // the triggers rewrote once per message, and scans the text indexes' pending lists.
    await run('vacuum (analyze) users, ticket_categories, tickets, ticket_messages, ticket_search_documents');
  } finally {
    await client.end();
  }
}
