// `--table`, `--include`, `--exclude`, `--tables-from`, `--follow-fkeys`: which tables a command works on.
import Foundation
import Pg2srModel
import Pg2srSupport

/// Which source tables a command works on (`--table`, `--include`, `--exclude`,
/// `--tables-from`, `--follow-fkeys`).
public struct TableSelection: Sendable {
    public var tables: [String] = []
    public var include: [String] = []
    public var exclude: [String] = []
    public var tablesFromFile: String?
    public var followForeignKeys = false
    /// How many foreign-key hops to follow; nil = all (the transitive closure).
    public var foreignKeyDepth: Int?

    public init() {}

    /// The explicitly named tables: `--table` plus the lines of `--tables-from`
    /// (blank lines and `#` comments skipped).
    func explicitNames() throws -> [TableName] {
        var names = try tables.map { try TableName(parsing: $0) }
        if let path = tablesFromFile {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Pg2srError.usage("cannot read --tables-from file \(path)")
            }
            for line in text.split(whereSeparator: \.isNewline) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                names.append(try TableName(parsing: trimmed))
            }
        }
        return names
    }

    /// Compiles `--include`/`--exclude`; an invalid pattern is a usage error naming it.
    static func compile(_ patterns: [String], option: String) throws -> [NSRegularExpression] {
        try patterns.map { pattern in
            do { return try NSRegularExpression(pattern: pattern) } catch {
                throw Pg2srError.usage("invalid regular expression for \(option): '\(pattern)'")
            }
        }
    }

    /// Applies the selection to the catalog's tables. `referencedBy` answers foreign-key
    /// lookups for `--follow-fkeys` (pairs of table oid → referenced oid).
    func resolve(in catalog: [SourceTable],
                 referencedBy: ([String]) throws -> [(table: String, referenced: String)]) throws -> [SourceTable] {
        let includes = try Self.compile(include, option: "--include")
        let excludes = try Self.compile(exclude, option: "--exclude")
        let byName = Dictionary(catalog.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func matches(_ regexes: [NSRegularExpression], _ table: SourceTable) -> Bool {
            let text = table.name.qualifiedPlain
            let range = NSRange(text.startIndex..., in: text)
            return regexes.contains { $0.firstMatch(in: text, range: range) != nil }
        }

        var selected: [TableName: SourceTable] = [:]
        let explicit = try explicitNames()
        for name in explicit {
            guard let table = byName[name] else {
                throw Pg2srError.source("table \(name) does not exist (or is not visible to this user)")
            }
            selected[name] = table
        }
        if explicit.isEmpty && includes.isEmpty {
            // No selector at all: every user table, as pg_dump does (partitions come with their parent).
            for table in catalog where !table.isPartition { selected[table.name] = table }
        } else {
            for table in catalog where !table.isPartition && matches(includes, table) { selected[table.name] = table }
        }
        for (name, table) in selected where matches(excludes, table) { selected[name] = nil }

        if followForeignKeys {
            let byOid = Dictionary(catalog.map { ($0.oid, $0) }, uniquingKeysWith: { first, _ in first })
            var frontier = Array(selected.values.map(\.oid))
            var depth = 0
            while !frontier.isEmpty, foreignKeyDepth.map({ depth < $0 }) ?? true {
                var next: [String] = []
                for edge in try referencedBy(frontier) {
                    guard let table = byOid[edge.referenced], selected[table.name] == nil else { continue }
                    selected[table.name] = table
                    next.append(table.oid)
                }
                frontier = next
                depth += 1
            }
        }
        let result = selected.values.sorted { $0.name < $1.name }
        guard !result.isEmpty else { throw Pg2srError.usage("no table matches the selection") }
        if let denied = result.first(where: { !$0.canSelect }) {
            throw Pg2srError.source("permission denied: no SELECT privilege on table \(denied.name)")
        }
        return result
    }
}
