// `--target`, `--target-password-file`: the StarRocks target, its password registered as a secret.
import ArgumentParser
import Pg2srSupport
import Pg2srTarget

struct TargetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("starrocks://user@fe-host:9030/db?http_port=8030[&be=host:port][&ssl_ca=FILE][&http_scheme=https]. Password: STARROCKS_PASSWORD or --target-password-file.", valueName: "url"))
    var target: String

    @Option(name: .long, help: ArgumentHelp("File holding the StarRocks password.", valueName: "path"))
    var targetPasswordFile: String?

    func resolve(log: Logger) throws -> StarRocksTarget {
        let target = try StarRocksTarget(url: self.target, passwordFile: targetPasswordFile)
        log.addSecret(target.password)
        return target
    }
}
