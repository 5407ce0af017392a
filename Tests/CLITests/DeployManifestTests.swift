import Foundation
import Testing
import Yams

/// The distributed-run recipe (deploy/kubernetes/, Containerfile, scripts/shards-local.sh):
/// the manifests say what a cluster needs, and the local script runs the same entry points.
@Suite struct DeployManifestTests {
    static let deploy = CLI.packageRoot.appendingPathComponent("deploy/kubernetes")

    static func manifest(_ name: String) throws -> [String: Any] {
        let text = try String(contentsOf: deploy.appendingPathComponent(name), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "\(name) is not a YAML mapping")
    }

    static func at(_ value: Any?, _ path: String...) -> Any? {
        path.reduce(value) { node, key in
            if let index = Int(key) { return (node as? [Any]).flatMap { index < $0.count ? $0[index] : nil } }
            return (node as? [String: Any])?[key]
        }
    }

    static func env(_ container: Any?) -> [String: String] {
        var values: [String: String] = [:]
        for item in (at(container, "env") as? [[String: Any]]) ?? [] {
            if let name = item["name"] as? String { values[name] = item["value"] as? String }
        }
        return values
    }

    @Test func theLoadJobIsIndexedAndEveryPodIsAShard() throws {
        let job = try Self.manifest("load-job.yaml")
        #expect(job["kind"] as? String == "Job")
        let spec = Self.at(job, "spec")
        #expect(Self.at(spec, "completionMode") as? String == "Indexed")
        let completions = try #require(Self.at(spec, "completions") as? Int)
        #expect(Self.at(spec, "parallelism") as? Int == completions)
        let container = Self.at(spec, "template", "spec", "containers", "0")
        #expect((Self.at(container, "command") as? [String])?.last?.hasSuffix("/run-shard.sh") == true)
        let env = Self.env(container)
        #expect(env["SHARDS"] == String(completions), "SHARDS must equal completions")
        #expect(env["START_AT"] == "@START_AT@")
        #expect(env["RESULTS"] == "/results")
        #expect(env["LOAD_ARGS"]?.contains("--rate") == true, "open loop, so the shards' rates add up")
        #expect(Self.at(container, "volumeMounts", "0", "mountPath") as? String == "/results")
        let claim = Self.at(spec, "template", "spec", "volumes", "0", "persistentVolumeClaim", "claimName") as? String
        let pvc = try Self.manifest("results-pvc.yaml")
        #expect(claim == Self.at(pvc, "metadata", "name") as? String)
        #expect((Self.at(pvc, "spec", "accessModes") as? [String]) == ["ReadWriteMany"])
    }

    @Test func theEntryPointTurnsTheIndexIntoAShardAndAStartTime() throws {
        let script = try String(contentsOf: Self.deploy.appendingPathComponent("run-shard.sh"), encoding: .utf8)
        #expect(script.contains("--shard \"$JOB_COMPLETION_INDEX/$SHARDS\""))
        #expect(script.contains("--start-at \"$START_AT\""))
        #expect(script.contains("--out \"$RESULTS/shard-$JOB_COMPLETION_INDEX\""))
        let containerfile = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Containerfile"), encoding: .utf8)
        #expect(containerfile.contains("deploy/kubernetes/run-shard.sh deploy/kubernetes/merge-shards.sh /usr/local/lib/jwtbench/"))
        #expect(containerfile.contains("JWTBENCH_KEYS=/usr/local/share/jwtbench/keys"))
    }

    @Test func theMergeStepReadsEveryShardFromTheSameVolume() throws {
        let job = try Self.manifest("merge-job.yaml")
        let container = Self.at(job, "spec", "template", "spec", "containers", "0")
        #expect((Self.at(container, "command") as? [String])?.last?.hasSuffix("/merge-shards.sh") == true)
        #expect(Self.env(container)["RESULTS"] == "/results")
        #expect(
            Self.at(job, "spec", "template", "spec", "volumes", "0", "persistentVolumeClaim", "claimName") as? String == "jwtbench-results")
        let script = try String(contentsOf: Self.deploy.appendingPathComponent("merge-shards.sh"), encoding: .utf8)
        #expect(script.contains("report merge \"$RESULTS\"/shard-*/ --out \"$RESULTS/merged\""))
    }

    /// scripts/shards-local.sh 2: the Job's shards as local processes, merged, and the merge
    /// checked count for count by an independent reading of the histograms.
    @Test func theRecipeRunsLocallyAndTheMergeIsExact() async throws {
        let out = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["scripts/shards-local.sh", "2", "--out", out.path]
        process.currentDirectoryURL = CLI.packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment["JWTBENCH"] = CLI.binary.path
        environment["SHARDS_START_DELAY"] = "4"
        process.environment = environment
        let log = out.appendingPathComponent("script.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try await onOwnThread {
            try process.run()
            process.waitUntilExit()
        }
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("merged equals the 2 shards"), "\(text)")
        let summary = try Data(contentsOf: out.appendingPathComponent("merged/summary.json"))
        let object = try JSONSerialization.jsonObject(with: summary) as? [String: Any]
        #expect(object?["shard_count"] as? Int == 2)
    }
}
