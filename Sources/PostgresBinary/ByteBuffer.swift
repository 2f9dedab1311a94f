/// A growable run of bytes the caller owns and reuses: the renderer appends CSV to it, the
/// caller sends and drops what it has taken (`removeFirst`, `removeAll` keep the memory).
/// Writers reserve room, write through the pointer, then commit what they wrote.
public struct ByteBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    public private(set) var count = 0
    public private(set) var capacity: Int

    public init(capacity: Int = 64 * 1024) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes; valid until the buffer next changes.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    public var isEmpty: Bool { count == 0 }

    public mutating func removeAll() { count = 0 }

    /// Drops the first `n` bytes (moving the rest to the front).
    public mutating func removeFirst(_ n: Int) {
        precondition(n >= 0 && n <= count, "removeFirst(\(n)) of \(count) bytes")
        if n < count { (base).update(from: base + n, count: count - n) }
        count -= n
    }

    /// Cuts the buffer back to `n` bytes (e.g. to drop a half-rendered row).
    public mutating func truncate(to n: Int) {
        precondition(n >= 0 && n <= count)
        count = n
    }

    /// Room for `n` more bytes at the end; write there, then `commit` how many were written.
    @inline(__always) mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { grow(count + n) }
        return base + count
    }

    @inline(__always) mutating func commit(_ n: Int) { count += n }

    @inline(__always) mutating func append(_ byte: UInt8) {
        if count == capacity { grow(count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always) mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let p = reserve(bytes.count)
        UnsafeMutableRawPointer(p).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}

/// Noncopyable: one owner at a time, so handing it to another thread hands over the memory.
extension ByteBuffer: @unchecked Sendable {}
