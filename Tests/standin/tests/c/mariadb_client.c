/* Exercises the stand-in's MySQL endpoint with MariaDB Connector/C (what pg2sr links):
 * text queries, mysql_info() after INSERT, prepared INSERT with a quote in a string parameter,
 * prepared SELECT through the binary protocol, error messages. Prints one line per step. */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const char *err) { printf("FAIL %s: %s\n", what, err); return 1; }

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    MYSQL *m = mysql_init(NULL);
    if (!mysql_real_connect(m, "127.0.0.1", "root", argv[2], NULL, (unsigned)atoi(argv[1]), NULL, 0))
        return fail("connect", mysql_error(m));
    printf("server %s\n", mysql_get_server_info(m));
    if (mysql_query(m, "CREATE DATABASE IF NOT EXISTS cdb") ||
        mysql_query(m, "CREATE TABLE IF NOT EXISTS cdb.runs (id VARCHAR(64) NOT NULL, n BIGINT, ts DATETIME, "
                       "d DECIMAL(10,2), ok BOOLEAN) PRIMARY KEY(id) DISTRIBUTED BY HASH(id)"))
        return fail("ddl", mysql_error(m));
    if (mysql_query(m, "INSERT INTO cdb.runs VALUES ('text-1', 7, '2024-05-06 07:08:09', 3.5, true)"))
        return fail("insert", mysql_error(m));
    printf("insert affected=%llu info=%s\n", (unsigned long long)mysql_affected_rows(m),
           mysql_info(m) ? "present" : "none");

    MYSQL_STMT *st = mysql_stmt_init(m);
    const char *q = "INSERT INTO cdb.runs VALUES (?, ?, '2024-01-02 03:04:05.5', 1.25, false)";
    if (mysql_stmt_prepare(st, q, strlen(q))) return fail("prepare", mysql_stmt_error(st));
    MYSQL_BIND b[2];
    memset(b, 0, sizeof b);
    char id[] = "run-1'x";
    unsigned long idl = strlen(id);
    long long n = 42;
    b[0].buffer_type = MYSQL_TYPE_STRING; b[0].buffer = id; b[0].buffer_length = idl; b[0].length = &idl;
    b[1].buffer_type = MYSQL_TYPE_LONGLONG; b[1].buffer = &n;
    mysql_stmt_bind_param(st, b);
    if (mysql_stmt_execute(st)) return fail("execute", mysql_stmt_error(st));
    printf("prepared insert affected=%llu\n", (unsigned long long)mysql_stmt_affected_rows(st));
    mysql_stmt_close(st);

    MYSQL_STMT *s2 = mysql_stmt_init(m);
    const char *q2 = "SELECT id, n, ts, d FROM cdb.runs WHERE id = ?";
    if (mysql_stmt_prepare(s2, q2, strlen(q2))) return fail("prepare2", mysql_stmt_error(s2));
    mysql_stmt_bind_param(s2, b);
    if (mysql_stmt_execute(s2)) return fail("execute2", mysql_stmt_error(s2));
    char oid[80], od[20];
    unsigned long ol = 0, odl = 0;
    long long on = 0;
    MYSQL_TIME ts;
    MYSQL_BIND r[4];
    memset(r, 0, sizeof r);
    r[0].buffer_type = MYSQL_TYPE_STRING; r[0].buffer = oid; r[0].buffer_length = sizeof oid; r[0].length = &ol;
    r[1].buffer_type = MYSQL_TYPE_LONGLONG; r[1].buffer = &on;
    r[2].buffer_type = MYSQL_TYPE_DATETIME; r[2].buffer = &ts;
    r[3].buffer_type = MYSQL_TYPE_STRING; r[3].buffer = od; r[3].buffer_length = sizeof od; r[3].length = &odl;
    mysql_stmt_bind_result(s2, r);
    if (mysql_stmt_store_result(s2)) return fail("store", mysql_stmt_error(s2));
    int rc;
    while ((rc = mysql_stmt_fetch(s2)) == 0) {
        oid[ol] = 0; od[odl] = 0;
        printf("binary row %s %lld %04u-%02u-%02u %02u:%02u:%02u.%06lu %s\n", oid, on, ts.year, ts.month, ts.day,
               ts.hour, ts.minute, ts.second, ts.second_part, od);
    }
    if (rc != MYSQL_NO_DATA) return fail("fetch", mysql_stmt_error(s2));
    mysql_stmt_close(s2);

    if (mysql_query(m, "SELECT id, n, ts, d, ok FROM cdb.runs ORDER BY id")) return fail("select", mysql_error(m));
    MYSQL_RES *res = mysql_store_result(m);
    MYSQL_ROW row;
    while ((row = mysql_fetch_row(res)))
        printf("text row %s %s %s %s %s\n", row[0], row[1], row[2], row[3], row[4]);
    mysql_free_result(res);
    if (mysql_query(m, "SELECT * FROM cdb.nope") == 0) return fail("error expected", "");
    printf("error %s\n", mysql_error(m));
    mysql_close(m);
    return 0;
}
