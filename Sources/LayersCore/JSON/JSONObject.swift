/// A JSON object whose members keep their insertion order.
///
/// Small objects (the common case in chat requests) are searched linearly, which beats hashing for a handful
/// of keys; objects past `indexThreshold` members also keep a key-to-position index.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: JSONValue)

    @usableFromInline var keyStorage: [String]
    @usableFromInline var valueStorage: [JSONValue]
    @usableFromInline var index: [String: Int]?

    @usableFromInline static let indexThreshold = 12

    public init() {
        keyStorage = []
        valueStorage = []
        index = nil
    }

    /// Builds an object from pairs; a repeated key keeps its first position and its last value.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSONValue) {
        self.init()
        keyStorage.reserveCapacity(pairs.underestimatedCount)
        valueStorage.reserveCapacity(pairs.underestimatedCount)
        for (key, value) in pairs { self[key] = value }
    }

    /// Takes keys (distinct, as the parser has checked) and their values, in order.
    init(uncheckedKeys keys: [String], values: [JSONValue]) {
        keyStorage = keys
        valueStorage = values
        index = nil
        if keys.count > Self.indexThreshold { rebuildIndex() }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// Members an object built member by member makes room for at its first one: objects the gateway builds
    /// (usage, `layers`, cost breakdowns, chunks) have a handful, and growing 1, 2, 4, 8 reallocates both arrays
    /// each time. Parsed objects are made at their exact size and never come here.
    @usableFromInline static let initialCapacity = 8

    /// Appends without checking for duplicates (callers have checked).
    mutating func appendUnchecked(key: String, value: JSONValue) {
        if keyStorage.capacity == 0 {
            keyStorage.reserveCapacity(Self.initialCapacity)
            valueStorage.reserveCapacity(Self.initialCapacity)
        }
        keyStorage.append(key)
        valueStorage.append(value)
        if index != nil {
            index![key] = keyStorage.count - 1
        } else if keyStorage.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    private mutating func rebuildIndex() {
        var built: [String: Int] = [:]
        built.reserveCapacity(keyStorage.count)
        for (position, key) in keyStorage.enumerated() { built[key] = position }
        index = built
    }

    /// The position of `key`, if present.
    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        // Keys of another length are skipped without a string comparison (most members, in practice).
        let length = key.utf8.count
        for position in keyStorage.indices {
            let candidate = keyStorage[position]
            if candidate.utf8.count == length && candidate == key { return position }
        }
        return nil
    }

    public var count: Int { keyStorage.count }
    public var isEmpty: Bool { keyStorage.isEmpty }
    public var keys: [String] { keyStorage }
    public var values: [JSONValue] { valueStorage }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    /// The member named `key`. Setting `nil` removes it; setting an existing key keeps its position.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { valueStorage[$0] } }
        set {
            if let newValue {
                if let position = position(of: key) {
                    valueStorage[position] = newValue
                } else {
                    appendUnchecked(key: key, value: newValue)
                }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Removes `key` and returns its value, preserving the order of the others.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = position(of: key) else { return nil }
        keyStorage.remove(at: position)
        let removed = valueStorage.remove(at: position)
        if index != nil {
            if keyStorage.count > Self.indexThreshold { rebuildIndex() } else { index = nil }
        }
        return removed
    }

    public func makeIterator() -> AnyIterator<Element> {
        var position = 0
        let keys = keyStorage
        let values = valueStorage
        return AnyIterator {
            guard position < keys.count else { return nil }
            defer { position += 1 }
            return (keys[position], values[position])
        }
    }

    /// Equal when both hold the same members, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (position, key) in lhs.keyStorage.enumerated() {
            guard let other = rhs[key], other == lhs.valueStorage[position] else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine member hashes commutatively.
        var combined = 0
        for (position, key) in keyStorage.enumerated() {
            var memberHasher = Hasher()
            memberHasher.combine(key)
            memberHasher.combine(valueStorage[position])
            combined ^= memberHasher.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}
