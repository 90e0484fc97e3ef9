import Foundation

/// Minimal structured logging to standard error. Never pass keys or upstream credentials here.
public enum ServerLog {
    public static func info(_ message: String) { write("info", message) }
    public static func warning(_ message: String) { write("warning", message) }
    public static func error(_ message: String) { write("error", message) }

    private static func write(_ level: String, _ message: String) {
        let line = "\(ISO8601DateFormatter().string(from: Date())) \(level) \(message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
