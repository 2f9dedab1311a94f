// The build-tool plugin that embeds sql/ into Pg2srSupport at build time.
import Foundation
import PackagePlugin

/// Embeds every file under the package's `sql/` folder into the target as a Swift
/// dictionary, so the release binary carries the SQL it runs and the SQL stays in `.sql` files.
@main
struct EmbedSQL: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let sqlDirectory = context.package.directoryURL.appending(path: "sql")
        let files = (FileManager.default.enumerator(at: sqlDirectory, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? [])
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSQL.swift")
        return [
            .buildCommand(
                displayName: "Embedding sql/ into \(target.name)",
                executable: try context.tool(named: "SQLEmbedder").url,
                arguments: [sqlDirectory.path, output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            ),
        ]
    }
}
