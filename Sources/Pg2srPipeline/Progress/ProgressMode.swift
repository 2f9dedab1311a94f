// `--progress auto|plain|json|none`.

/// How progress is shown while chunks load.
public enum ProgressMode: String, Sendable, CaseIterable {
    /// A live display on a terminal, plain lines otherwise.
    case auto
    case plain
    case json
    case none
}
