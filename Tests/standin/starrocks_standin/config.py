"""Command line → Config."""
from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass, field
from typing import Dict, Optional

from . import profiles

@dataclass
class Config:
    data_dir: str
    host: str = "127.0.0.1"
    mysql_port: int = 0
    fe_http_port: int = 0
    be_http_port: int = 0
    be_count: int = 1
    user: str = "root"
    password: str = ""
    profile: profiles.Profile = field(default_factory=profiles.current)
    mysql_version_override: Optional[str] = None   # --mysql-version (FE config mysql_server_version)
    discard: bool = False
    max_body_mb: int = 102400            # BE streaming_load_max_mb (§1.4)
    json_max_mb: int = 100               # BE streaming_load_max_batch_size_mb (§1.4)
    label_keep_seconds: float = 259200   # FE label_keep_max_second (§3.3)
    default_replication_num: int = 3     # FE default_replication_num (§8.3)
    publish_delay_s: float = 2.0         # how long a "Publish Timeout" load stays COMMITTED
    txn_clean_interval_s: float = 1.0    # BE transaction cleaner period (real: 30 s, §4)
    empty_load_as_error: bool = True     # FE empty_load_as_error (§3.2)
    error_log_lines: int = 50            # REPORT_ERROR_MAX_NUMBER in CSVScanner
    routine_load_batch_interval_scale: float = 1.0   # test knob: scales Routine Load waits (not validation)
    schema_change_seconds: float = 1.0   # how long an ALTER TABLE job takes from PENDING to FINISHED
    verbose: bool = False
    faults: Dict = field(default_factory=dict)
    tls_cert: Optional[str] = None       # PEM certificate (chain): HTTPS on FE/BE HTTP ports, TLS on MySQL
    tls_key: Optional[str] = None

    @property
    def starrocks_version(self) -> str:
        """`SELECT current_version()`."""
        return self.profile.version

    @property
    def mysql_version(self) -> str:
        """Handshake / VERSION(): the release's default unless --mysql-version overrides it (§9)."""
        return self.mysql_version_override or self.profile.mysql_version

    @property
    def advertise_host(self) -> str:
        """Host put into 307 Location headers and ErrorURLs."""
        return "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host


def _value(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_args(argv) -> Config:
    p = argparse.ArgumentParser(prog="starrocks-standin",
                                description="A faithful StarRocks stand-in (FE MySQL + FE HTTP + BE HTTP).")
    p.add_argument("--data-dir", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--mysql-port", type=int, default=0)
    p.add_argument("--fe-http-port", type=int, default=0)
    p.add_argument("--be-http-port", type=int, default=0)
    p.add_argument("--be-count", type=int, default=1)
    p.add_argument("--user", default="root")
    p.add_argument("--password", default=None, help="default: $STANDIN_PASSWORD or empty")
    p.add_argument("--mysql-version", default=None,
                   help="fake MySQL server version (default: the release's, 5.1.0 before 3.4, else 8.0.33)")
    p.add_argument("--starrocks-version", default=None, metavar="X.Y[.Z]",
                   help=f"release whose behaviour profile to follow ({', '.join(profiles.PROFILES)}; "
                        f"default {profiles.NEWEST}); also the answer of current_version()")
    p.add_argument("--discard", action="store_true", help="count rows/bytes only, store nothing")
    p.add_argument("--max-body-mb", type=int, default=102400)
    p.add_argument("--json-max-mb", type=int, default=100)
    p.add_argument("--label-keep-seconds", type=float, default=259200)
    p.add_argument("--default-replication-num", type=int, default=3)
    p.add_argument("--publish-delay-s", type=float, default=2.0)
    p.add_argument("--txn-clean-interval-s", type=float, default=1.0)
    p.add_argument("--no-empty-load-error", action="store_true",
                   help="like FE empty_load_as_error=false: an empty load succeeds")
    p.add_argument("--error-log-lines", type=int, default=50)
    p.add_argument("--routine-load-batch-interval-scale", type=float, default=1.0,
                   help="test knob: multiplies every Routine Load wait (FE scheduler interval 10 s, "
                        "max_batch_interval, task_consume_second); SQL validation is unchanged")
    p.add_argument("--schema-change-seconds", type=float, default=1.0,
                   help="how long an ALTER TABLE job (MODIFY COLUMN, key columns, fast_schema_evolution=false) "
                        "takes from PENDING to FINISHED")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--tls-cert", default=None, help="PEM certificate: FE and BE HTTP ports speak HTTPS only, the "
                                                    "MySQL port offers TLS (SSLRequest), as with fe.conf ssl_keystore_*")
    p.add_argument("--tls-key", default=None, help="PEM private key of --tls-cert")
    p.add_argument("--fault", action="append", default=[], metavar="KEY=VALUE",
                   help="initial fault setting, same keys as POST /_standin/faults (repeatable)")
    p.add_argument("--faults-json", default=None, help="initial faults as a JSON object")
    a = p.parse_args(argv)
    faults: Dict = {}
    if a.faults_json:
        faults.update(json.loads(a.faults_json))
    for kv in a.fault:
        k, _, v = kv.partition("=")
        faults[k.strip()] = _value(v) if v else True
    password = a.password if a.password is not None else os.environ.get("STANDIN_PASSWORD", "")
    if a.be_count < 1:
        p.error("--be-count must be >= 1")
    if bool(a.tls_cert) != bool(a.tls_key):
        p.error("--tls-cert and --tls-key go together")
    try:
        profile = profiles.resolve(a.starrocks_version)
    except profiles.UnknownVersion as e:
        p.error(str(e))
    return Config(data_dir=a.data_dir, host=a.host, mysql_port=a.mysql_port, fe_http_port=a.fe_http_port,
                  be_http_port=a.be_http_port, be_count=a.be_count, user=a.user, password=password,
                  profile=profile, mysql_version_override=a.mysql_version, discard=a.discard,
                  max_body_mb=a.max_body_mb, json_max_mb=a.json_max_mb,
                  label_keep_seconds=a.label_keep_seconds, default_replication_num=a.default_replication_num,
                  publish_delay_s=a.publish_delay_s, txn_clean_interval_s=a.txn_clean_interval_s,
                  empty_load_as_error=not a.no_empty_load_error, error_log_lines=a.error_log_lines,
                  routine_load_batch_interval_scale=a.routine_load_batch_interval_scale,
                  schema_change_seconds=a.schema_change_seconds,
                  verbose=a.verbose, faults=faults, tls_cert=a.tls_cert, tls_key=a.tls_key)
