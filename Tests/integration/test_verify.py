"""pg2sr verify against a real PostgreSQL 15 and the StarRocks stand-in: equal tables are equal,
and a single changed value, a missing row and an extra row are found and narrowed to their
chunk and key."""
from __future__ import annotations

import json
import subprocess
import unicodedata

from harness import pg2sr_binary, run_pg2sr

DB = "sr"


def seed(pg_db, standin, *args: str):
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    p = run_pg2sr("seed", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB), "--create-tables",
                  "--replication-num", "1", "--progress", "none", *args, env=env, timeout=600)
    assert p.returncode == 0, p.stderr


def verify(pg_db, standin, *args: str):
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    p = run_pg2sr("verify", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB), "--output", "json",
                  *args, env=env, timeout=600)
    assert p.returncode in (0, 65), p.stderr
    return p.returncode, json.loads(p.stdout), p.stderr


def make_orders(pg_db, rows: int):
    pg_db.psql(f"""
        CREATE TABLE orders (id bigint PRIMARY KEY, customer int NOT NULL, amount numeric(12,2), note text,
                             created timestamptz, flag boolean, doc jsonb, tags text[], ratio double precision, span interval);
        INSERT INTO orders
        SELECT g, g % 97, (g * 1.25)::numeric(12,2), 'order ' || g || repeat(' pad', g % 7),
               timestamptz '2024-03-31 00:30:00+02' + g * interval '37 minutes 0.000123 seconds', g % 3 = 0,
               jsonb_build_object('g', g, 'tag', 'x,"y"', 'f', g / 4.0), ARRAY['t' || g % 5, 'ü'], g / 7.0,
               make_interval(secs => g / 1000.0)
        FROM generate_series(1, {rows}) g;
        UPDATE orders SET note = NULL, doc = NULL, created = NULL, flag = NULL, tags = NULL WHERE id % 101 = 0;
        UPDATE orders SET note = '\\N' WHERE id % 1009 = 0;
    """)


def examples(report: dict) -> dict:
    found = {}
    for chunk in report["differingChunks"]:
        for example in chunk["examples"]:
            found[(example["kind"], example["key"])] = example
    return found


def test_equal_tables_are_equal_and_single_differences_are_found_and_narrowed(pg_db, standin):
    make_orders(pg_db, 60000)
    seed(pg_db, standin, "--table", "orders", "--run-id", "big", "--jobs", "3", "--split-larger-than", "1MB", "--chunk-size", "1MB")

    code, report, _ = verify(pg_db, standin, "--run-id", "big", "--chunk-rows", "10000")
    assert code == 0
    (table,) = report["tables"]
    assert table["status"] == "equal" and table["sourceRows"] == table["targetRows"] == 60000
    assert table["sourceChecksum"] == table["targetChecksum"] and table["chunks"] >= 5 and table["rangeColumn"] == "id"

    standin.execute(f"UPDATE `{DB}`.`orders` SET amount = 1.26 WHERE id = 12345")
    standin.execute(f"DELETE FROM `{DB}`.`orders` WHERE id = 33333")
    standin.execute(f"INSERT INTO `{DB}`.`orders` (id, customer, note) VALUES (70001, 1, 'extra')")
    with pg_db.connect() as c:
        c.execute("UPDATE orders SET tags = ARRAY['t1', 'u'] WHERE id = 555")  # a source-side change since the seed

    code, report, stderr = verify(pg_db, standin, "--run-id", "big", "--chunk-rows", "10000")
    assert code == 65
    assert "orders" in stderr.strip().splitlines()[-1]
    (table,) = report["tables"]
    assert table["status"] == "different" and table["sourceRows"] == 60000 and table["targetRows"] == 60000
    # Only the chunks holding the four keys differ (555 and 12345 may share none, 70001 is past the end).
    assert 3 <= len(table["differingChunks"]) <= 4 < table["chunks"]
    found = examples(table)
    changed = found[("changed", "12345")]["columns"]
    assert changed == [{"column": "amount", "source": "15431.25", "target": "1.26"}]
    assert found[("changed", "555")]["columns"][0]["column"] == "tags"
    assert ("missing in target", "33333") in found and ("extra in target", "70001") in found
    assert sum(c["changed"] for c in table["differingChunks"]) == 2
    assert sum(c["missingInTarget"] for c in table["differingChunks"]) == 1
    assert sum(c["extraInTarget"] for c in table["differingChunks"]) == 1
    for chunk in table["differingChunks"]:
        keys = [int(e["key"]) for e in chunk["examples"]]
        lower, upper = chunk["range"].split("[")[1].split(")")[0].split(", ")
        assert all((lower == "-inf" or key >= int(lower)) and (upper == "+inf" or key < int(upper)) for key in keys), chunk

    # The same table selected like seed does (fresh mapping) finds the same.
    code, report, _ = verify(pg_db, standin, "--table", "orders", "--chunk-rows", "20000", "--jobs", "2")
    assert code == 65 and len(examples(report["tables"][0])) == 4


def test_text_keys_are_chunked_in_starrocks_byte_order(pg_db, standin):
    tricky = ["", " ", "A", "B", "Z", "a", "b", "z", "é", unicodedata.normalize("NFD", "é"), "ß", "ss", "😀", "𝄞", "\u00a0",
              "10", "9", "-1", "中文", "Ä", "a\tb", "a\nb", "'", "\\", "\\N"]
    pg_db.psql("CREATE TABLE words (w text PRIMARY KEY, n int);")
    with pg_db.connect() as c:
        c.execute("INSERT INTO words SELECT md5(g::text) || chr(192 + g % 300), g FROM generate_series(1, 30000) g")
        for n, word in enumerate(tricky):
            c.execute("INSERT INTO words VALUES (%s, %s)", (word, -n))
    seed(pg_db, standin, "--table", "words", "--run-id", "words")
    code, report, _ = verify(pg_db, standin, "--run-id", "words", "--chunk-rows", "3000")
    assert code == 0, report
    assert report["tables"][0]["chunks"] >= 8

    decomposed = unicodedata.normalize("NFD", "é")
    standin.execute(f"DELETE FROM `{DB}`.`words` WHERE w = '{decomposed}'")
    code, report, _ = verify(pg_db, standin, "--run-id", "words", "--chunk-rows", "3000")
    assert code == 65
    (table,) = report["tables"]
    assert [(e["kind"], e["key"]) for c in table["differingChunks"] for e in c["examples"]] == [("missing in target", decomposed)]
    assert len(table["differingChunks"]) == 1


def test_tables_without_a_key_compare_as_multisets(pg_db, standin):
    pg_db.psql("""
        CREATE TABLE log (at timestamp, msg text);
        INSERT INTO log SELECT timestamp '2024-01-01' + g * interval '1 minute', 'm' || g % 10 FROM generate_series(1, 5000) g;
        INSERT INTO log VALUES (NULL, 'no time'), ('2024-01-01 00:01', 'm1');
    """)
    seed(pg_db, standin, "--table", "log", "--run-id", "log")
    code, report, _ = verify(pg_db, standin, "--run-id", "log", "--chunk-rows", "1000")
    assert code == 0 and report["tables"][0]["rangeColumn"] == "at" and report["tables"][0]["chunks"] >= 4
    standin.execute(f"INSERT INTO `{DB}`.`log` VALUES ('2024-01-01 00:01:00', 'm1')")  # a duplicate row
    code, report, _ = verify(pg_db, standin, "--run-id", "log", "--chunk-rows", "1000")
    assert code == 65
    (table,) = report["tables"]
    assert table["sourceRows"] + 1 == table["targetRows"]
    assert [e["kind"] for c in table["differingChunks"] for e in c["examples"]] == ["extra in target"]


def test_a_missing_target_table_is_a_difference(pg_db, standin):
    pg_db.psql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2);")
    seed(pg_db, standin, "--table", "t", "--run-id", "t")
    standin.execute(f"DROP TABLE `{DB}`.`t`")
    code, report, _ = verify(pg_db, standin, "--run-id", "t")
    assert code == 65
    assert report["tables"][0]["note"] == "target table t does not exist" and report["tables"][0]["targetRows"] == 0


def test_on_a_live_target_differences_still_in_flight_drop_out_on_recheck(pg_db, standin):
    make_orders(pg_db, 3000)
    seed(pg_db, standin, "--table", "orders", "--run-id", "live")
    # A change CDC has not applied yet: the source is ahead of the target.
    with pg_db.connect() as c:
        c.execute("UPDATE orders SET note = 'moved on' WHERE id = 42")
    env = {"PGPASSWORD": pg_db.password, **standin.env()}
    process = subprocess.Popen([pg2sr_binary(), "verify", "--source", pg_db.conninfo_nopw, "--target", standin.target_url(DB),
                                "--run-id", "live", "--recheck", "3", "--recheck-delay", "2s", "--output", "json"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in process.stderr:
        lines.append(line)
        if "rechecking" in line:
            break
    else:
        raise AssertionError("".join(lines))
    standin.execute(f"UPDATE `{DB}`.`orders` SET note = 'moved on' WHERE id = 42")  # CDC catches up
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, "".join(lines) + err
    report = json.loads(out)
    assert report["passes"] >= 2 and report["tables"][0]["status"] == "equal"
