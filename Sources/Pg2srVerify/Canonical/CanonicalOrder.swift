// StarRocks' order of canonical values, and the chunk a value falls in.

/// Orders canonical values of an orderable StarRocks type the way StarRocks compares them:
/// integers by value, strings by their UTF-8 bytes (which is also the order of canonical
/// DATE/DATETIME text and of `0`/`1` booleans).
enum CanonicalOrder {
    static func less(_ a: String, _ b: String, type: TargetType) -> Bool {
        if case .integer = type {
            let negativeA = a.hasPrefix("-"), negativeB = b.hasPrefix("-")
            if negativeA != negativeB { return negativeA }
            let magnitudeA = negativeA ? a.dropFirst() : Substring(a), magnitudeB = negativeB ? b.dropFirst() : Substring(b)
            let ascending: Bool
            if magnitudeA.count != magnitudeB.count {
                ascending = magnitudeA.count < magnitudeB.count
            } else if magnitudeA.utf8.elementsEqual(magnitudeB.utf8) {
                return false
            } else {
                ascending = magnitudeA.utf8.lexicographicallyPrecedes(magnitudeB.utf8)
            }
            return negativeA ? !ascending : ascending
        }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The chunk holding `value` between sorted `boundaries` (chunk i = [b(i-1), b(i))); NULL
    /// and invalid values go to chunk 0, as in the StarRocks predicate of chunk 0.
    static func chunk(of value: String?, boundaries: [String], type: TargetType) -> Int {
        guard let value, !value.hasPrefix(CanonicalValue.invalidPrefix), !boundaries.isEmpty else { return 0 }
        var low = 0, high = boundaries.count
        while low < high {
            let middle = (low + high) / 2
            if less(value, boundaries[middle], type: type) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
