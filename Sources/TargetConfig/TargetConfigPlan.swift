/// What a generator produces: the files, the command that starts the gateway from the output
/// folder, and what the reader should know (settings not carried over, and why).
struct TargetConfigPlan {
    var files: [TargetConfigFile]
    var start: String
    var notes: [String] = []
}
