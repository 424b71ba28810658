-- Where the time of each one-shard plan of SuiteBench latency goes, from the event times genesis-bus stored.
-- psql "$DATABASE_URL" -v since=<lowest genesis.events seq to look at> -f bench/sql/one-shard-steps.sql
-- Milliseconds, p50 and p90 over the plans named bench-latency that were certified.
with p as (
  select subject as plan, min(time) filter (where data->>'status'='accepted') acc,
         min(time) filter (where data->>'status'='certified') cert
  from genesis.events where type='hxo.plan' and data->>'name'='bench-latency' and seq > :since group by subject
), e as (
  select p.plan, p.acc, p.cert,
    (select min(time) from genesis.events x where x.type='hxo.shard.created' and x.data->>'plan_id'=p.plan and x.seq > :since) created,
    (select min(time) from genesis.events x where x.type='hxo.shard.done' and x.subject=p.plan and x.seq > :since) done,
    (select min(time) from genesis.events x where x.type='hxo.aggregate.ready' and x.subject=p.plan and x.seq > :since) ready,
    (select min(time) from genesis.events x where x.type='hxo.aggregate.vote' and x.subject=p.plan and x.source like '/hxo-planner%' and x.seq > :since) vp,
    (select min(time) from genesis.events x where x.type='hxo.aggregate.vote' and x.subject=p.plan and x.source like '/arie%' and x.seq > :since) va,
    (select min(time) from genesis.events x where x.type='hxo.aggregate.vote' and x.subject=p.plan and x.source like '/genesis%' and x.seq > :since) vg,
    (select min(time) from genesis.events x where x.type='hxo.aggregate.finalized' and x.subject=p.plan and x.seq > :since) fin
  from p where p.cert is not null
), d as (
  select extract(epoch from created-acc)*1000 a, extract(epoch from done-created)*1000 b, extract(epoch from ready-done)*1000 c,
    extract(epoch from vp-ready)*1000 vp, extract(epoch from va-ready)*1000 va, extract(epoch from vg-ready)*1000 vg,
    extract(epoch from fin-greatest(vp,va,vg))*1000 f, extract(epoch from cert-fin)*1000 g, extract(epoch from cert-acc)*1000 t from e
)
select 'p50' q, count(*) n, round(percentile_cont(0.5) within group (order by a)::numeric,1) acc_created, round(percentile_cont(0.5) within group (order by b)::numeric,1) created_done,
  round(percentile_cont(0.5) within group (order by c)::numeric,1) done_ready, round(percentile_cont(0.5) within group (order by vp)::numeric,1) ready_vp,
  round(percentile_cont(0.5) within group (order by va)::numeric,1) ready_va, round(percentile_cont(0.5) within group (order by vg)::numeric,1) ready_vg,
  round(percentile_cont(0.5) within group (order by f)::numeric,1) lastvote_fin, round(percentile_cont(0.5) within group (order by g)::numeric,1) fin_cert,
  round(percentile_cont(0.5) within group (order by t)::numeric,1) acc_cert from d
union all
select 'p90', count(*), round(percentile_cont(0.9) within group (order by a)::numeric,1), round(percentile_cont(0.9) within group (order by b)::numeric,1),
  round(percentile_cont(0.9) within group (order by c)::numeric,1), round(percentile_cont(0.9) within group (order by vp)::numeric,1),
  round(percentile_cont(0.9) within group (order by va)::numeric,1), round(percentile_cont(0.9) within group (order by vg)::numeric,1),
  round(percentile_cont(0.9) within group (order by f)::numeric,1), round(percentile_cont(0.9) within group (order by g)::numeric,1),
  round(percentile_cont(0.9) within group (order by t)::numeric,1) from d;
