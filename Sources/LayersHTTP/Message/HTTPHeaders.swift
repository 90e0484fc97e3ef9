/// Ordered HTTP header fields with case-insensitive name lookup.
///
/// ```swift
/// var headers = HTTPHeaders()
/// headers.add(name: "Content-Type", value: "application/json")
/// headers["content-type"]            // "application/json"
/// headers.replaceOrAdd(name: "x-layers-overhead-ms", value: "3")
/// ```
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field as received or to be sent.
    public typealias Field = (name: String, value: String)

    @usableFromInline var fields: [Field]

    public init() { fields = [] }

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value for `name` (case-insensitive); setting replaces all values, `nil` removes them.
    public subscript(name: String) -> String? {
        get {
            for field in fields where field.name.asciiCaseInsensitiveEquals(name) { return field.value }
            return nil
        }
        set {
            if let newValue { replaceOrAdd(name: name, value: newValue) } else { remove(name: name) }
        }
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.asciiCaseInsensitiveEquals(name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name.asciiCaseInsensitiveEquals(name) }
    }

    /// Appends a field, keeping any existing ones with the same name.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces the first field named `name` and removes the others; appends when absent.
    public mutating func replaceOrAdd(name: String, value: String) {
        guard let first = fields.firstIndex(where: { $0.name.asciiCaseInsensitiveEquals(name) }) else {
            fields.append((name: name, value: value))
            return
        }
        fields[first] = (name: name, value: value)
        var index = fields.count - 1
        while index > first {
            if fields[index].name.asciiCaseInsensitiveEquals(name) { fields.remove(at: index) }
            index -= 1
        }
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        fields.removeAll { $0.name.asciiCaseInsensitiveEquals(name) }
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// True when a comma-separated header (e.g. `Connection`) lists `token`, case-insensitively.
    func containsToken(_ token: String, inHeader name: String) -> Bool {
        for field in fields where field.name.asciiCaseInsensitiveEquals(name) {
            for part in field.value.split(separator: ",") {
                if part.trimmingASCIISpaces().asciiCaseInsensitiveEquals(token) { return true }
            }
        }
        return false
    }
}

extension StringProtocol {
    /// ASCII-only case-insensitive equality (header names and tokens are ASCII).
    func asciiCaseInsensitiveEquals<Other: StringProtocol>(_ other: Other) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        // Both contiguous (native strings, small or not): compare the bytes in place.
        let compared: Bool?? = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y in
                for i in 0..<x.count where x[i] != y[i] && asciiLower(x[i]) != asciiLower(y[i]) { return false }
                return true
            }
        }
        if case .some(.some(let equal)) = compared { return equal }
        var ia = a.makeIterator(), ib = b.makeIterator()
        while let x = ia.next(), let y = ib.next() {
            if x != y && asciiLower(x) != asciiLower(y) { return false }
        }
        return true
    }

    func trimmingASCIISpaces() -> Substring {
        var sub = Substring(self)
        while let first = sub.utf8.first, first == 0x20 || first == 0x09 { sub = sub.dropFirst() }
        while let last = sub.utf8.last, last == 0x20 || last == 0x09 { sub = sub.dropLast() }
        return sub
    }
}

@inline(__always) func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}
