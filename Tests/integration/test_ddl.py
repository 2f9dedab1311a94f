"""pg2sr ddl against a real PostgreSQL 15: golden CREATE TABLE statements for the catalog features
the type mapping covers (quoted identifiers, composite keys moved first, domains, enums, arrays,
composites, hstore, wide decimals where the target has them, byte limits, --key, --cast,
--target-table, --infinity-as-null), each accepted by the stand-in's CREATE TABLE validation."""
from __future__ import annotations

import pytest

from harness import run_pg2sr

SCHEMA = r'''
CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE SCHEMA "Billing";
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TYPE pair AS (a int, b text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE DOMAIN tags AS text[];
CREATE TABLE "Billing"."Invoice Items" (
    "Line ""Note""" text, region char(2) NOT NULL, "Id" bigint NOT NULL, amount numeric(12,2) NOT NULL, wide numeric(50,5),
    ratio numeric, neg numeric(5,-2), at timestamptz NOT NULL, day date, "Größe" real, mood mood, qty posint, labels tags,
    PRIMARY KEY (region, "Id"));
CREATE TABLE everything (
    id serial PRIMARY KEY, s smallint, b bigserial, o oid, d double precision, m money, f boolean, vc varchar(100), big varchar(300000),
    ci citext, by bytea, u uuid, j json, jb jsonb, ts timestamp(3), t time, tt timetz, iv interval, ip inet, net cidr, mac macaddr,
    m8 macaddr8, bits bit(8), vbits varbit(5), ai int[], af float4[], an numeric(10,2)[], ats timestamptz[], ae mood[], a2 int[][],
    pt point[], co pair, hs hstore);
CREATE TABLE log (at timestamp, msg text);
CREATE TABLE docs (doc jsonb, n int);
CREATE TABLE nokey (code text, v int);
'''

GOLDEN_OPTIONS = (
    "--replication-num", "1", "--buckets", "4", "--property", "enable_persistent_index=true", "--max-decimal-precision", "76",
    "--max-varchar-bytes", "65533", "--key", "public.nokey=code", "--target-table", "public.nokey=keyed",
    "--cast", "public.docs.doc=varchar", "--infinity-as-null", "--table", '"Billing"."Invoice Items"', "--table", "docs", "--table", "nokey",
)

GOLDEN = """\
CREATE TABLE IF NOT EXISTS `sr`.`Invoice Items` (
    `region` VARCHAR(8) NOT NULL COMMENT 'character(2)',
    `Id` BIGINT NOT NULL COMMENT 'bigint',
    `Line "Note"` VARCHAR(65533) NULL COMMENT 'text',
    `amount` DECIMAL(12,2) NOT NULL COMMENT 'numeric(12,2)',
    `wide` DECIMAL(50,5) NULL COMMENT 'numeric(50,5)',
    `ratio` DECIMAL(38,10) NULL COMMENT 'numeric',
    `neg` DECIMAL(7,0) NULL COMMENT 'numeric(5,-2)',
    `at` DATETIME NULL COMMENT 'timestamp with time zone',
    `day` DATE NULL COMMENT 'date',
    `Größe` FLOAT NULL COMMENT 'real',
    `mood` VARCHAR(256) NULL COMMENT 'mood',
    `qty` INT NULL COMMENT 'posint',
    `labels` ARRAY<VARCHAR(65533)> NULL COMMENT 'tags'
)
PRIMARY KEY (`region`, `Id`)
DISTRIBUTED BY HASH (`region`, `Id`) BUCKETS 4
PROPERTIES ("replication_num" = "1", "enable_persistent_index" = "true");

CREATE TABLE IF NOT EXISTS `sr`.`docs` (
    `doc` VARCHAR(65533) NULL COMMENT 'jsonb',
    `n` INT NULL COMMENT 'integer'
)
DUPLICATE KEY (`doc`)
DISTRIBUTED BY HASH (`doc`) BUCKETS 4
PROPERTIES ("replication_num" = "1", "enable_persistent_index" = "true");

CREATE TABLE IF NOT EXISTS `sr`.`keyed` (
    `code` VARCHAR(65533) NOT NULL COMMENT 'text',
    `v` INT NULL COMMENT 'integer'
)
PRIMARY KEY (`code`)
DISTRIBUTED BY HASH (`code`) BUCKETS 4
PROPERTIES ("replication_num" = "1", "enable_persistent_index" = "true");
"""

GOLDEN_DEFAULTS = """\
CREATE TABLE IF NOT EXISTS `sr`.`everything` (
    `id` INT NOT NULL COMMENT 'integer',
    `s` SMALLINT NULL COMMENT 'smallint',
    `b` BIGINT NOT NULL COMMENT 'bigint',
    `o` BIGINT NULL COMMENT 'oid',
    `d` DOUBLE NULL COMMENT 'double precision',
    `m` DECIMAL(19,2) NULL COMMENT 'money',
    `f` BOOLEAN NULL COMMENT 'boolean',
    `vc` VARCHAR(400) NULL COMMENT 'character varying(100)',
    `big` VARCHAR(1048576) NULL COMMENT 'character varying(300000)',
    `ci` VARCHAR(1048576) NULL COMMENT 'citext',
    `by` VARBINARY(1048576) NULL COMMENT 'bytea',
    `u` VARCHAR(36) NULL COMMENT 'uuid',
    `j` JSON NULL COMMENT 'json',
    `jb` JSON NULL COMMENT 'jsonb',
    `ts` DATETIME NULL COMMENT 'timestamp(3) without time zone',
    `t` VARCHAR(32) NULL COMMENT 'time without time zone',
    `tt` VARCHAR(32) NULL COMMENT 'time with time zone',
    `iv` VARCHAR(64) NULL COMMENT 'interval',
    `ip` VARCHAR(64) NULL COMMENT 'inet',
    `net` VARCHAR(64) NULL COMMENT 'cidr',
    `mac` VARCHAR(32) NULL COMMENT 'macaddr',
    `m8` VARCHAR(32) NULL COMMENT 'macaddr8',
    `bits` VARCHAR(8) NULL COMMENT 'bit(8)',
    `vbits` VARCHAR(5) NULL COMMENT 'bit varying(5)',
    `ai` ARRAY<INT> NULL COMMENT 'integer[]',
    `af` ARRAY<FLOAT> NULL COMMENT 'real[]',
    `an` ARRAY<DECIMAL(10,2)> NULL COMMENT 'numeric(10,2)[]',
    `ats` ARRAY<DATETIME> NULL COMMENT 'timestamp with time zone[]',
    `ae` ARRAY<VARCHAR(256)> NULL COMMENT 'mood[]',
    `a2` JSON NULL COMMENT 'integer[]',
    `pt` JSON NULL COMMENT 'point[]',
    `co` JSON NULL COMMENT 'pair',
    `hs` JSON NULL COMMENT 'hstore'
)
PRIMARY KEY (`id`)
DISTRIBUTED BY HASH (`id`);

CREATE TABLE IF NOT EXISTS `sr`.`log` (
    `at` DATETIME NULL COMMENT 'timestamp without time zone',
    `msg` VARCHAR(1048576) NULL COMMENT 'text'
)
DUPLICATE KEY (`at`)
DISTRIBUTED BY HASH (`at`);
"""


def ddl(pg_db, *args: str):
    return run_pg2sr("ddl", "--source", pg_db.conninfo_nopw, "--database", "sr", *args, env={"PGPASSWORD": pg_db.password})


def statements(text: str) -> list[str]:
    return [s.strip() + ";" for s in text.split(";\n") if s.strip()]


def test_golden_ddl_is_accepted_by_the_stand_in(pg_db, standin):
    pg_db.psql(SCHEMA)
    p = ddl(pg_db, *GOLDEN_OPTIONS)
    assert p.returncode == 0, p.stderr
    assert p.stdout == GOLDEN
    assert "table public.docs has no primary key" in p.stderr
    p2 = ddl(pg_db, "--table", "everything", "--table", "log")
    assert p2.returncode == 0, p2.stderr
    assert p2.stdout == GOLDEN_DEFAULTS

    standin.execute("CREATE DATABASE sr")
    for statement in statements(p.stdout) + statements(p2.stdout):
        if "PROPERTIES" not in statement:  # the stand-in has 2 BEs: the default replication_num (3) does not fit
            statement = statement[:-1] + '\nPROPERTIES ("replication_num" = "1");'
        standin.execute(statement)
    columns = {(t, c): ct for t, c, ct in standin.query(
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.columns WHERE TABLE_SCHEMA = 'sr'")}
    assert columns[("Invoice Items", "wide")] == "decimal(50,5)"
    assert columns[("Invoice Items", "Line \"Note\"")] == "varchar(65533)"
    assert columns[("everything", "ats")] == "array<datetime>"
    assert columns[("keyed", "code")] == "varchar(65533)"
    keys = standin.query("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.columns WHERE TABLE_SCHEMA = 'sr' AND COLUMN_KEY = 'PRI'")
    assert sorted(keys) == [("Invoice Items", "Id"), ("Invoice Items", "region"), ("everything", "id"), ("keyed", "code")]


@pytest.mark.parametrize("create,message", [
    ('CREATE TABLE t (id int PRIMARY KEY, "Where" point)', 'public.t."Where" has type point, which pg2sr cannot map'),
    ('CREATE TABLE t (id int PRIMARY KEY, span int4range)', "--cast 'public.t.span=varchar'"),
    ('CREATE TABLE t (id int PRIMARY KEY, __op int)', "named __op"),
    ('CREATE TABLE t (id int PRIMARY KEY, "a\nb" int)', "control character"),
    ('CREATE TABLE t (id int PRIMARY KEY, pg2sr_f1 int)', "temporary load columns"),
    ('CREATE TABLE t (id double precision PRIMARY KEY)', "does not allow in a key"),
    ('CREATE TABLE t (id int PRIMARY KEY, "A" int, "a" int)', "cannot tell apart"),
])
def test_columns_starrocks_cannot_take_are_named(pg_db, create, message):
    pg_db.psql(create + ";")
    p = ddl(pg_db, "--table", "t")
    assert p.returncode == 64, p.stderr
    assert message in p.stderr, p.stderr
    assert p.stdout == ""
