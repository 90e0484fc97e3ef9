/// Where the JSON parser gathers the members of the objects and arrays being parsed: two stacks (keys; values
/// and elements) shared by every nesting level, the innermost object's or array's entries on top. A finished
/// object or array moves its entries off into arrays of their exact count: one allocation per array it holds,
/// no growth steps, no copies or reference counting of the entries.
///
/// Not generic on purpose: the parser runs on every request and response body, and concrete element types keep
/// every operation specialised and inlined.
struct JSONParserScratch: ~Copyable {
    // Allocated on the first push: documents that are a single scalar (number literals checked by parsing them,
    // for instance) never allocate.
    private var keys: UnsafeMutablePointer<String>?
    private var keyCapacity = 0
    /// Keys on the stack.
    private(set) var keyCount = 0
    private var values: UnsafeMutablePointer<JSONValue>?
    private var valueCapacity = 0
    /// Values and elements on the stack.
    private(set) var valueCount = 0

    init() {}

    deinit {
        if let keys {
            keys.deinitialize(count: keyCount)
            keys.deallocate()
        }
        if let values {
            values.deinitialize(count: valueCount)
            values.deallocate()
        }
    }

    /// Pushes one member of the innermost object.
    mutating func pushMember(key: consuming String, value: consuming JSONValue) {
        if keyCount == keyCapacity {
            keyCapacity = max(16, keyCapacity * 2)
            keys = Self.moved(keys, count: keyCount, toCapacity: keyCapacity)
        }
        (keys! + keyCount).initialize(to: key)
        keyCount += 1
        pushElement(value)
    }

    /// Pushes one element of the innermost array.
    mutating func pushElement(_ value: consuming JSONValue) {
        if valueCount == valueCapacity {
            valueCapacity = max(16, valueCapacity * 2)
            values = Self.moved(values, count: valueCount, toCapacity: valueCapacity)
        }
        (values! + valueCount).initialize(to: value)
        valueCount += 1
    }

    /// Whether `key` is among the keys pushed since `base` (the innermost object's), by a linear search.
    func containsKey(_ key: String, from base: Int) -> Bool {
        let length = key.utf8.count
        var position = base
        while position < keyCount {
            if keys![position].utf8.count == length && keys![position] == key { return true }
            position += 1
        }
        return false
    }

    /// The keys pushed since `base`, as a set (for the duplicate check of large objects).
    func keySet(from base: Int) -> Set<String> {
        var set = Set<String>(minimumCapacity: 2 * (keyCount - base))
        for position in base..<keyCount { set.insert(keys![position]) }
        return set
    }

    /// Removes the members pushed since `keyBase`/`valueBase` and returns them as an object, in order.
    mutating func popObject(keysFrom keyBase: Int, valuesFrom valueBase: Int) -> JSONObject {
        precondition(keyBase >= 0 && keyBase <= keyCount && keyCount - keyBase == valueCount - valueBase)
        // Filled by appending after one reservation: `Array(unsafeUninitializedCapacity:)` goes through an
        // unspecialised stdlib entry point (generic metadata lookups) that costs more than it saves.
        var keyArray: [String] = []
        keyArray.reserveCapacity(keyCount - keyBase)
        for position in keyBase..<keyCount { keyArray.append((keys! + position).move()) }
        keyCount = keyBase
        return JSONObject(uncheckedKeys: keyArray, values: popElements(from: valueBase))
    }

    /// Removes the elements pushed since `base` and returns them, in order.
    mutating func popElements(from base: Int) -> [JSONValue] {
        precondition(base >= 0 && base <= valueCount)
        var array: [JSONValue] = []
        array.reserveCapacity(valueCount - base)
        for position in base..<valueCount { array.append((values! + position).move()) }
        valueCount = base
        return array
    }

    private static func moved<T>(_ old: UnsafeMutablePointer<T>?, count: Int,
                                 toCapacity capacity: Int) -> UnsafeMutablePointer<T> {
        let new = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        if let old {
            new.moveInitialize(from: old, count: count)
            old.deallocate()
        }
        return new
    }
}
