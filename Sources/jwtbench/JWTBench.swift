import ArgumentParser

struct JWTBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jwtbench",
        abstract: "JWT validation core and benchmarking/conformance harness.",
        version: "0.1.0",
        subcommands: [
            RunCommand.self, KeysCommand.self, MintCommand.self, VerifyCommand.self, SpeedCommand.self, LoadCommand.self,
            ReportCommand.self, ConformCommand.self, ProfileCommand.self, IssuerCommand.self, CacheCompareCommand.self,
            GatewayCommand.self, RevokeCommand.self, EchoCommand.self, TargetConfigCommand.self,
        ]
    )
}
