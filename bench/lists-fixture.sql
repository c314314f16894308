\set ON_ERROR_STOP on
-- 9,700 more people, copies of the demo's with new emails
insert into identities (external_id, email, display_name, department, job_title, team, location, employment_type, employment_status, job_level, hire_date, manager_id, cost_center, trainings)
select 'gen-'||g, 'gen'||g||'@company.com', 'Person '||g||' '||i.display_name, i.department, i.job_title, i.team, i.location, i.employment_type, i.employment_status, i.job_level, i.hire_date, i.manager_id, i.cost_center, i.trainings
from generate_series(1, 9700) g
join lateral (select * from identities where external_id not like 'gen-%' order by id offset (g % 300) limit 1) i on true;
-- 20,000 exceptions, 12,000 open
insert into access_exceptions (identity_id, resource_key, level, source, type, justification, approver_id, approved_at, created_by, created_at, starts_at, expires_at, status, ended_at, end_reason)
select p.id, r.key, null, 'admin', (array['project','privilege_escalation','training','role_transition','vendor'])[1 + g % 5],
  'Needed for the quarter-end close, ticket FIN-'||g||'; the usual access does not cover the ledger exports.',
  (select id from identities where email='cfo@company.com'), now() - interval '200 days' + (g || ' minutes')::interval, 'seed',
  now() - interval '200 days' + (g || ' minutes')::interval, now() - interval '200 days' + (g || ' minutes')::interval,
  now() + ((g % 400) - 100 || ' days')::interval + (g || ' seconds')::interval,
  case when g % 5 < 2 then 'removed' else 'active' end,
  case when g % 5 < 2 then now() - interval '1 day' else null end,
  case when g % 5 < 2 then 'expired' else null end
from generate_series(1, 20000) g
join lateral (select id from identities order by external_id offset (g * 7 % 10000) limit 1) p on true
join lateral (select key from resources order by key offset (g % (select count(*) from resources)) limit 1) r on true;
-- 4,995 pending requests, 514 waiting for the CFO
insert into access_requests (template_id, requester_id, status, justification, duration_minutes, assessment, stage_started_at, created_at)
select (select id from request_templates order by key offset (g % 5) limit 1), p.id, 'pending',
  'I need this for the migration project this quarter; my manager agreed in the planning meeting (ticket OPS-'||g||').', 10080,
  jsonb_build_object('overall', 'outside', 'grants', jsonb_build_array(
    jsonb_build_object('resource','google:group:finance-reports@company.com','level',null,'status','outside'),
    jsonb_build_object('resource','google:drive:sales-shared-drive','level','viewer','status','covered','via',jsonb_build_array('sales-base','finance-read')),
    jsonb_build_object('resource','salesforce:profile:finance-analyst','level',null,'status','outside'),
    jsonb_build_object('resource','netsuite:role:ap-clerk','level','write','status','denied','denyPolicies',jsonb_build_array('sod-ap-ar')))),
  now() - interval '30 days' + (g || ' minutes')::interval, now() - interval '30 days' + (g || ' minutes')::interval
from generate_series(1, 4995) g
join lateral (select id from identities where email <> 'cfo@company.com' order by external_id offset (g * 13 % 10000) limit 1) p on true;
insert into request_approvers (request_id, stage, identity_id, via)
select r.id, 0, case when r.number % 10 = 0 and r.number <= 5140 then (select id from identities where email='cfo@company.com')
  else (select id from identities where email='zoe.ito@company.com') end, 'manager'
from access_requests r;
-- a year of decided requests (29,970), each with its approver, so the inbox's reads face history too
insert into access_requests (template_id, requester_id, status, justification, duration_minutes, assessment, stage_started_at, created_at, decided_at)
select template_id, requester_id, 'approved', justification, duration_minutes, assessment, created_at - interval '200 days',
  created_at - (g || ' days')::interval, created_at - (g || ' days')::interval
from access_requests, generate_series(30, 330, 60) g where status = 'pending';
insert into request_approvers (request_id, stage, identity_id, via)
select r.id, 0, (select id from identities where email = case when r.number % 10 = 0 then 'cfo@company.com' else 'zoe.ito@company.com' end), 'manager'
from access_requests r where status = 'approved';
-- audit events: 1,005,000 (the chain is not valid; only reads are measured)
alter table audit_events disable trigger user;
insert into audit_events (occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, before, after, reason, context, prev_hash, hash)
select now() - interval '365 days' + (g || ' seconds')::interval * 31, 'identity', null, 'person'||(g%10000)||'@company.com',
  (array['request.submitted','request.approved','exception.created','exception.expired','identity.updated','session.created','policy.published'])[1 + g % 7],
  'access_request', md5(g::text), null, '{"status":"approved"}', 'routine', '{}', md5((g-1)::text), md5(g::text)
from generate_series(1, 1005000) g;
alter table audit_events enable trigger user;
analyze;
