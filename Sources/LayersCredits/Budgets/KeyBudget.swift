/// The monthly spending cap of one API key and the check made before a request is reserved: refuse when the
/// key's spend this month plus the request's estimate would exceed the cap. Integer micro-credits throughout;
/// sums saturate instead of trapping.
///
/// ```swift
/// let budget = KeyBudget(limit: MicroCredits(credits: 5))
/// switch budget.check(spent: MicroCredits(credits: 4), estimate: MicroCredits(credits: 2)) {
/// case .allowed: ...
/// case .exceeded(let limit, let spent, let required): ...   // 5, 4, 2
/// }
/// ```
public struct KeyBudget: Sendable, Hashable {
    /// The cap for one calendar month (UTC); never negative.
    public var limit: MicroCredits

    public init(limit: MicroCredits) {
        self.limit = max(.zero, limit)
    }

    /// The outcome of ``check(spent:estimate:)``.
    public enum Decision: Sendable, Hashable {
        case allowed
        /// `spent + required` is above `limit`.
        case exceeded(limit: MicroCredits, spent: MicroCredits, required: MicroCredits)
    }

    /// Allowed while `spent + estimate <= limit` (a request that uses the budget exactly passes). A zero estimate
    /// passes unless the key is already over its cap.
    public func check(spent: MicroCredits, estimate: MicroCredits) -> Decision {
        let total = CheckedMath.saturatingAdd(spent.rawValue, max(0, estimate.rawValue))
        return total > limit.rawValue ? .exceeded(limit: limit, spent: spent, required: estimate) : .allowed
    }

    /// What is left this month (zero when the cap is reached or passed).
    public func remaining(spent: MicroCredits) -> MicroCredits {
        MicroCredits(rawValue: max(0, limit.rawValue - min(limit.rawValue, spent.rawValue)))
    }
}

extension MicroCredits {
    /// `self + other`, clamped to the Int64 range instead of trapping (spend counters that must never crash).
    public func saturatingAdding(_ other: MicroCredits) -> MicroCredits {
        MicroCredits(rawValue: CheckedMath.saturatingAdd(rawValue, other.rawValue))
    }
}
