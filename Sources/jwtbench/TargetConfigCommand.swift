import ArgumentParser
import Measurement
import TargetConfig

struct TargetConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target-config",
        abstract: "Write a gateway's configuration for a jwtbench policy (refused, naming what is missing, if it cannot enforce all).")

    @Option(help: "jwtbench, ngrok, envoy, nginx-plus or apache-openidc.")
    var gateway: String
    @Option(help: "A catalogue policy name (default standard) or a policy file.")
    var policy = "standard"
    @Option(help: ArgumentHelp("The key server (its JWK Set at URL/jwks.json, as `issuer` serves it) or a JWK Set URL.", valueName: "url"))
    var issuer: String
    @Option(help: ArgumentHelp("A PEM bundle to trust for an https key server.", valueName: "file"))
    var caFile: String?
    @Option(help: ArgumentHelp("Where allowed requests go.", valueName: "url"))
    var upstream = "http://127.0.0.1:8081"
    @Option(help: ArgumentHelp("Where the gateway listens.", valueName: "host:port"))
    var listen = "127.0.0.1:8080"
    @Option(help: ArgumentHelp("The output folder (with a README.md on starting and testing the gateway).", valueName: "dir"))
    var out: String

    func run() throws {
        do {
            let (request, denylist) = try TargetConfig.request(
                gateway: gateway, policy: policy, issuer: issuer, caFile: caFile, upstream: upstream, listen: listen, out: out)
            let files = try TargetConfig.files(for: request, denylist: denylist)
            try TargetConfig.write(files, to: request.outputDirectory)
            print("wrote \(files.map(\.name).joined(separator: ", ")) to \(request.outputDirectory)")
        } catch {
            throw HarnessError.usage("\(error)")
        }
    }
}
