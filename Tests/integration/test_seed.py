"""pg2sr seed against a real PostgreSQL 15 and the StarRocks stand-in: the data must arrive exactly."""
from __future__ import annotations

import json
import re
import subprocess
import threading
import time


from harness import compare as compare_in, pg2sr_binary, run_pg2sr

DB = "sr"


def compare(pg_db, standin, source_table: str, target_table: str, key: str, db: str = DB, source_rows=None) -> int:
    return compare_in(pg_db, standin, source_table, target_table, key, db=db, source_rows=source_rows)


def seed(pg_db, standin, *args: str, db: str = DB, timeout: float = 300):
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    return run_pg2sr("seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(db),
                     "--create-tables", "--replication-num", "1", "--progress", "none", *args, env=env, timeout=timeout)


EDGE_TEXTS = ["plain", "", None, "comma, and \"quotes\"", "line\nbreak\r\nand CR", "tab\there", "back\\slash",
              "\\N", "N", "null", "emoji 😀 𝄞 and ünïcödé", "'single'", "  spaces  "]


def make_orders(pg_db, rows: int = 20000):
    pg_db.psql(f"""
        CREATE TABLE orders (id bigint PRIMARY KEY, customer int NOT NULL, amount numeric(12,2), note text,
                             created timestamptz, flag boolean, doc jsonb, uid uuid, day date, ratio double precision);
        INSERT INTO orders
        SELECT g, g % 97, (g * 1.25)::numeric(12,2), 'order ' || g || repeat(' pad', g % 7),
               timestamptz '2024-03-31 00:30:00+02' + g * interval '37 minutes 0.000123 seconds',
               g % 3 = 0, jsonb_build_object('g', g, 'tag', 'x,"y"'), md5(g::text)::uuid,
               date '2020-01-01' + g % 2000, g / 7.0
        FROM generate_series(1, {rows}) g;
        UPDATE orders SET note = NULL, doc = NULL, created = NULL, flag = NULL WHERE id % 101 = 0;
    """)


def test_several_tables_one_split_into_many_chunks_arrive_exactly(pg_db, standin):
    make_orders(pg_db)
    pg_db.psql("""
        CREATE TABLE customers (id int PRIMARY KEY, name text, vip boolean NOT NULL DEFAULT false);
        INSERT INTO customers SELECT g, 'customer ' || g, g % 10 = 0 FROM generate_series(0, 96) g;
        CREATE TABLE texts (id int PRIMARY KEY, t text, v varchar(12));
    """)
    with pg_db.connect() as c:
        for i, text in enumerate(EDGE_TEXTS):
            c.execute("INSERT INTO texts VALUES (%s, %s, %s)", (i, text, None if text is None else text[:12]))

    p = seed(pg_db, standin, "--jobs", "4", "--split-larger-than", "256kB", "--chunk-size", "256kB",
             "--run-id", "several", "--output", "json")
    assert p.returncode == 0, p.stderr
    record = json.loads(p.stdout)
    assert record["status"] == "completed"
    tables = {t["target"]: t for t in record["tables"]}
    assert tables["orders"]["chunksTotal"] >= 8, tables["orders"]
    assert tables["orders"]["rows"] == 20000
    assert record["totalRows"] == 20000 + 97 + len(EDGE_TEXTS)

    assert compare(pg_db, standin, "orders", "orders", "id") == 20000
    assert compare(pg_db, standin, "customers", "customers", "id") == 97
    assert compare(pg_db, standin, "texts", "texts", "id") == len(EDGE_TEXTS)
    # NULL stays NULL, the empty string stays empty, a literal \N stays a string.
    by_id = dict(standin.query(f"SELECT id, t FROM `{DB}`.`texts` ORDER BY id"))
    assert by_id[str(EDGE_TEXTS.index(None))] is None
    assert by_id[str(EDGE_TEXTS.index(""))] == ""
    assert by_id[str(EDGE_TEXTS.index("\\N"))] == "\\N"

    # The run record is in the target, with the snapshot's position.
    (status, lsn, total) = standin.query(f"SELECT status, snapshot_lsn, total_rows FROM `{DB}`.`pg2sr_runs` WHERE run_id = 'several'")[0]
    assert status == "completed" and re.fullmatch(r"[0-9A-F]+/[0-9A-F]+", lsn) and int(total) == record["totalRows"]


def test_writes_committed_after_the_snapshot_are_absent(pg_db, standin):
    make_orders(pg_db, rows=5000)
    with pg_db.connect() as c:
        before = c.execute("SELECT * FROM orders ORDER BY id").fetchall()
    holder = pg_db.connect(autocommit=False)
    try:
        holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        snapshot = holder.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with pg_db.connect() as writer:
            writer.execute("INSERT INTO orders (id, customer) SELECT g, 1 FROM generate_series(100001, 100500) g")
            writer.execute("UPDATE orders SET amount = -1, note = 'changed' WHERE id % 10 = 0")
            writer.execute("DELETE FROM orders WHERE id % 7 = 0")
        p = seed(pg_db, standin, "--snapshot", snapshot, "--jobs", "3", "--split-larger-than", "128kB", "--chunk-size", "128kB")
        assert p.returncode == 0, p.stderr
    finally:
        holder.close()
    assert compare(pg_db, standin, "orders", "orders", "id", source_rows=before) == 5000


def test_concurrent_writes_during_the_run_are_absent(pg_db, standin):
    """pg2sr's own exported snapshot: writes made while it copies (slowed by --max-rate) stay out."""
    make_orders(pg_db, rows=8000)
    with pg_db.connect() as c:
        before = c.execute("SELECT * FROM orders ORDER BY id").fetchall()
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    process = subprocess.Popen([pg2sr_binary(), "seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB),
                                "--create-tables", "--replication-num", "1", "--progress", "none", "--jobs", "2",
                                "--split-larger-than", "128kB", "--chunk-size", "128kB", "--max-rate", "1MB/s"],
                               env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    stderr_lines = []
    for line in process.stderr:
        stderr_lines.append(line)
        if "snapshot" in line and "at LSN" in line:
            break
    with pg_db.connect() as writer:
        writer.execute("INSERT INTO orders (id, customer) SELECT g, 1 FROM generate_series(200001, 200300) g")
        writer.execute("UPDATE orders SET note = 'during' WHERE id % 5 = 0")
        writer.execute("DELETE FROM orders WHERE id % 11 = 0")
    # The writes committed while the copy was still running (else this would prove nothing).
    assert process.poll() is None, "the seed finished before the concurrent writes"
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, "".join(stderr_lines) + err
    assert compare(pg_db, standin, "orders", "orders", "id", source_rows=before) == 8000


def test_row_filter_include_exclude_empty_table_and_empty_chunk(pg_db, standin):
    make_orders(pg_db, rows=6000)
    pg_db.psql("""
        CREATE TABLE empty_one (id int PRIMARY KEY, v text);
        CREATE TABLE skipped_log (id int PRIMARY KEY);
        INSERT INTO skipped_log VALUES (1);
        CREATE TABLE hole (id int PRIMARY KEY, pad text);
        INSERT INTO hole SELECT g, repeat('p', 500) FROM generate_series(1, 3000) g;
        DELETE FROM hole WHERE id <= 1500;   -- the first block range holds no live rows
    """)
    p = seed(pg_db, standin, "--include", "^public\\.(orders|empty_one|hole|skipped_log)$", "--exclude", "log$",
             "--where", "public.orders=customer < 10", "--split-larger-than", "100kB", "--chunk-size", "100kB",
             "--output", "json")
    assert p.returncode == 0, p.stderr
    record = json.loads(p.stdout)
    tables = {t["target"]: t for t in record["tables"]}
    assert set(tables) == {"orders", "empty_one", "hole"}
    assert tables["empty_one"]["rows"] == 0 and tables["empty_one"]["chunksDone"] == 1
    assert tables["hole"]["chunksTotal"] > 1 and tables["hole"]["rows"] == 1500
    with pg_db.connect() as c:
        filtered = c.execute("SELECT * FROM orders WHERE customer < 10 ORDER BY id").fetchall()
    assert compare(pg_db, standin, "orders", "orders", "id", source_rows=filtered) == len(filtered) > 0
    assert standin.query(f"SELECT COUNT(*) FROM `{DB}`.`empty_one`") == [("0",)]
    assert compare(pg_db, standin, "hole", "hole", "id") == 1500
    # Empty chunks never became Stream Loads (StarRocks fails empty loads): one load per chunk with rows.
    plan = run_pg2sr("plan", "--source", pg_db.conninfo_nopw, "--table", "orders", "--table", "empty_one", "--table", "hole",
                     "--where", "public.orders=customer < 10", "--split-larger-than", "100kB", "--chunk-size", "100kB",
                     "--output", "json", env={"PGPASSWORD": pg_db.password})
    nonempty = 0
    with pg_db.connect() as c:
        for table in json.loads(plan.stdout)["tables"]:
            for chunk in table["chunks"]:
                conditions = [x for x in (chunk.get("predicate"), table.get("filter")) if x]
                where = " AND ".join(f"({x})" for x in conditions) or "true"
                nonempty += c.execute(f"SELECT count(*) > 0 FROM ONLY {table['source']['name']} WHERE {where}").fetchone()[0]
    assert nonempty < sum(t["chunksTotal"] for t in tables.values())
    assert standin.stats()["loads_committed"] == nonempty  # the run record goes over MySQL, not Stream Load


def test_rows_that_trickle_in_below_the_read_batch_size_all_arrive(pg_db, standin):
    # The COPY reader waits for 64 KB batches (SO_RCVLOWAT) in 2 ms slices: rows far smaller than
    # that, produced 0.3 s apart, must still arrive (a held-back tail would hang the run), and
    # the JSON and array values that the SELECT computes once per row must not move between rows.
    pg_db.psql("""
        CREATE TABLE drip (id int PRIMARY KEY, doc jsonb, tags text[], note text);
        INSERT INTO drip SELECT g, jsonb_build_object('g', g, 'big', 12345678901234), ARRAY['a' || g, 'b'], 'n' || g
        FROM generate_series(1, 5) g;
    """)
    p = seed(pg_db, standin, "--table", "drip", "--where", "public.drip=pg_sleep(0.3)::text = ''", "--output", "json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["tables"][0]["rows"] == 5
    assert compare(pg_db, standin, "drip", "drip", "id") == 5
    [(doc, tags)] = standin.query(f"SELECT doc, tags FROM `{DB}`.`drip` WHERE id = 4")
    assert json.loads(doc) == {"g": 4, "big": 12345678901234} and json.loads(tags) == ["a4", "b"]


def test_identifiers_with_case_spaces_quotes_and_non_ascii(pg_db, standin):
    pg_db.psql('''
        CREATE SCHEMA "Billing";
        CREATE TABLE "Billing"."Invoice Items" ("Id" int PRIMARY KEY, "Line ""Note""" text, "Größe" numeric(8,3), "日付" date);
        INSERT INTO "Billing"."Invoice Items" SELECT g, 'line ' || g, g / 3.0, date '2024-02-28' + g FROM generate_series(1, 300) g;
    ''')
    p = seed(pg_db, standin, "--table", '"Billing"."Invoice Items"')
    assert p.returncode == 0, p.stderr
    assert compare(pg_db, standin, '"Billing"."Invoice Items"', "Invoice Items", "Id") == 300


def test_follow_fkeys_adds_exactly_the_referenced_tables(pg_db, standin):
    pg_db.psql("""
        CREATE TABLE region (id int PRIMARY KEY);
        CREATE TABLE country (id int PRIMARY KEY, region int REFERENCES region);
        CREATE TABLE customer (id int PRIMARY KEY, country int REFERENCES country);
        CREATE TABLE purchase (id int PRIMARY KEY, customer int REFERENCES customer);
        CREATE TABLE unrelated (id int PRIMARY KEY);
        INSERT INTO region VALUES (1); INSERT INTO country VALUES (1, 1); INSERT INTO customer VALUES (1, 1);
        INSERT INTO purchase VALUES (1, 1); INSERT INTO unrelated VALUES (1);
    """)
    env = {"PGPASSWORD": pg_db.password}
    plan = run_pg2sr("plan", "--source", pg_db.conninfo_nopw, "--table", "customer", "--follow-fkeys", "--output", "json", env=env)
    assert plan.returncode == 0, plan.stderr
    assert sorted(t["source"]["name"] for t in json.loads(plan.stdout)["tables"]) == ["country", "customer", "region"]
    one_hop = run_pg2sr("plan", "--source", pg_db.conninfo_nopw, "--table", "purchase", "--follow-fkeys", "--fkeys-depth", "1",
                        "--output", "json", env=env)
    assert sorted(t["source"]["name"] for t in json.loads(one_hop.stdout)["tables"]) == ["customer", "purchase"]
    p = seed(pg_db, standin, "--table", "purchase", "--follow-fkeys")
    assert p.returncode == 0, p.stderr
    tables = {row[0] for row in standin.query(f"SELECT TABLE_NAME FROM information_schema.tables WHERE TABLE_SCHEMA = '{DB}'")}
    assert tables == {"purchase", "customer", "country", "region", "pg2sr_runs"}


def test_split_by_a_skewed_key_gives_balanced_chunks(pg_db, standin):
    # 90% of the rows share the lowest tenth of the key space.
    pg_db.psql("""
        CREATE TABLE skewed (k bigint PRIMARY KEY, v text);
        INSERT INTO skewed SELECT g, 'v' FROM generate_series(1, 45000) g;
        INSERT INTO skewed SELECT 1000000 + g * 1000, 'v' FROM generate_series(1, 5000) g;
    """)
    env = {"PGPASSWORD": pg_db.password}
    plan = run_pg2sr("plan", "--source", pg_db.conninfo_nopw, "--table", "skewed", "--split-by", "k",
                     "--split-larger-than", "256kB", "--chunk-size", "256kB", "--output", "json", env=env)
    assert plan.returncode == 0, plan.stderr
    chunks = json.loads(plan.stdout)["tables"][0]["chunks"]
    assert len(chunks) >= 4
    with pg_db.connect() as c:
        counts = [c.execute(f"SELECT count(*) FROM skewed WHERE {ch['predicate'] or 'true'}").fetchone()[0] for ch in chunks]
    assert sum(counts) == 50000
    assert max(counts) <= 1.5 * min(counts), counts  # equal-width ranges would put 90% in one chunk
    p = seed(pg_db, standin, "--table", "skewed", "--split-by", "k", "--split-larger-than", "256kB", "--chunk-size", "256kB", "--jobs", "3")
    assert p.returncode == 0, p.stderr
    assert compare(pg_db, standin, "skewed", "skewed", "k") == 50000


def test_a_table_locked_exclusively_fails_within_the_lock_wait_timeout_without_blocking_others(pg_db, standin):
    pg_db.psql("""
        CREATE TABLE busy (id int PRIMARY KEY); INSERT INTO busy VALUES (1);
        CREATE TABLE calm (id int PRIMARY KEY); INSERT INTO calm VALUES (1);
    """)
    locker = pg_db.connect(autocommit=False)
    try:
        locker.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        result: dict = {}
        thread = threading.Thread(target=lambda: result.update(p=seed(pg_db, standin, "--table", "calm", "--table", "busy",
                                                                          "--lock-wait-timeout", "2s")))
        thread.start()
        time.sleep(0.8)
        # While pg2sr waits, other sessions are not blocked by it.
        with pg_db.connect() as other:
            other.execute("SET lock_timeout = '500ms'")
            assert other.execute("SELECT count(*) FROM calm").fetchone()[0] == 1
            other.execute("INSERT INTO calm VALUES (2)")
        thread.join(timeout=60)
        elapsed = time.monotonic() - started
    finally:
        locker.rollback()
        locker.close()
    p = result["p"]
    assert p.returncode == 66, p.stderr
    assert "busy" in p.stderr and "lock" in p.stderr
    assert elapsed < 15
    assert len(p.stderr.strip().splitlines()[-1]) < 400


def test_rerunning_the_same_run_id_loads_nothing_twice(pg_db, standin):
    pg_db.psql("""
        CREATE TABLE facts (id int PRIMARY KEY, v text);
        INSERT INTO facts SELECT g, repeat('f', 100) FROM generate_series(1, 5000) g;
        CREATE TABLE log (at int, msg text);
        INSERT INTO log SELECT g, 'm' || g FROM generate_series(1, 3000) g;
    """)
    args = ("--table", "facts", "--table", "log", "--run-id", "again", "--split-larger-than", "64kB", "--chunk-size", "64kB",
            "--output", "json")
    first = seed(pg_db, standin, *args)
    assert first.returncode == 0, first.stderr
    chunks = {t["table"]: t["chunksTotal"] for t in json.loads(first.stdout)["tables"]}
    assert chunks["public.facts"] > 1 and chunks["public.log"] > 1, chunks  # chunk labels and a multi-chunk transaction
    loads = standin.stats()["loads_committed"]

    # The run record says the run completed: nothing is read or loaded.
    second = seed(pg_db, standin, *args)
    assert second.returncode == 0, second.stderr
    assert "already completed" in second.stderr
    assert standin.stats()["loads_committed"] == loads

    # With the record gone only StarRocks' labels remember the run: the same run id plans the same
    # chunks, so the same labels, and every one of them is found committed (facts: each chunk's load
    # answered "Label Already Exists"; log: its transaction's label is VISIBLE before it begins).
    standin.execute(f"DELETE FROM `{DB}`.`pg2sr_runs` WHERE run_id = 'again'")
    assert standin.query(f"SELECT COUNT(*) FROM `{DB}`.`pg2sr_runs`") == [("0",)]
    third = seed(pg_db, standin, *args)
    assert third.returncode == 0, third.stderr
    assert "already completed" not in third.stderr
    skipped = {t["table"]: (t["chunksSkipped"], t["chunksTotal"], t["rows"]) for t in json.loads(third.stdout)["tables"]}
    assert skipped == {"public.facts": (chunks["public.facts"], chunks["public.facts"], 0),
                       "public.log": (chunks["public.log"], chunks["public.log"], 0)}, skipped
    statuses = standin.stats()["labels"]
    refused = [label for label, seen in statuses.items() if "facts" in label and seen[-1] == "Label Already Exists"]
    assert len(refused) == chunks["public.facts"], statuses
    assert standin.stats()["loads_committed"] == loads
    assert standin.query(f"SELECT COUNT(*) FROM `{DB}`.`log`") == [("3000",)]  # a DUPLICATE KEY table: no duplicates
    assert compare(pg_db, standin, "facts", "facts", "id") == 5000


def test_a_load_starrocks_rejects_fails_the_run_with_the_reason(pg_db, standin):
    pg_db.psql("""
        CREATE TABLE notes (id int PRIMARY KEY, body text);
        INSERT INTO notes VALUES (1, 'short'), (2, 'this body is far too long for the target column');
    """)
    standin.execute(f"CREATE DATABASE {DB}")
    standin.execute(f"CREATE TABLE `{DB}`.`notes` (id INT NOT NULL, body VARCHAR(10)) PRIMARY KEY (id) "
                    f"DISTRIBUTED BY HASH (id) PROPERTIES (\"replication_num\" = \"1\")")
    p = seed(pg_db, standin, "--table", "notes", "--retries", "0")
    assert p.returncode == 65, p.stderr
    assert "notes" in p.stderr and "rejected" in p.stderr
    assert standin.query(f"SELECT COUNT(*) FROM `{DB}`.`notes`") == [("0",)]
    (status,) = standin.query(f"SELECT status FROM `{DB}`.`pg2sr_runs`")[0]
    assert status == "failed"


def test_missing_target_table_without_create_tables_fails_before_loading(pg_db, standin):
    pg_db.psql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);")
    standin.execute(f"CREATE DATABASE {DB}")
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    p = run_pg2sr("seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB), "--table", "t",
                  "--replication-num", "1", "--progress", "none", env=env)
    assert p.returncode == 69, p.stderr
    assert "does not exist" in p.stderr and "--create-tables" in p.stderr
    assert standin.stats()["loads_committed"] == 0


def test_metrics_endpoint_serves_progress_while_loading(pg_db, standin):
    import socket
    import urllib.request
    make_orders(pg_db, rows=6000)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    process = subprocess.Popen([pg2sr_binary(), "seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB),
                                "--create-tables", "--replication-num", "1", "--progress", "none", "--table", "orders",
                                "--max-rate", "512kB/s", "--metrics-addr", f"127.0.0.1:{port}"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    scraped = ""
    deadline = time.time() + 60
    while time.time() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                scraped = response.read().decode()
            if 'pg2sr_bytes_in_flight{table="public.orders"}' in scraped and "pg2sr_chunks_total" in scraped:
                break
        except OSError:
            time.sleep(0.2)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert 'pg2sr_chunks_total{table="public.orders"} 1' in scraped, scraped
    assert "# TYPE pg2sr_rows_loaded_total counter" in scraped
