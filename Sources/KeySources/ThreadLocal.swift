import Synchronization

import struct NIOConcurrencyHelpers.NIOLock
import struct NIOConcurrencyHelpers.NIOLockedValueBox

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A new pthread key without a destructor (values are released by their owners). A process
/// has a fixed number of keys (1024 on glibc), so running out is a programming error.
func makeThreadKey() -> pthread_key_t {
    var made = pthread_key_t()
    let rc = pthread_key_create(&made, nil)
    precondition(rc == 0, "pthread_key_create failed (\(rc)): too many thread-local keys")
    return made
}

/// One value per thread, made on the thread's first use: what the per-thread lookup replicas
/// and the verified-token cache keep (Envoy keeps both per worker thread).
///
/// Values are also kept in a registry, released when this object goes away, rather than by a
/// pthread destructor: a destructor cannot outlive `pthread_key_delete`, and the registry lets
/// statistics be read across threads. A value therefore lives as long as this object, even
/// after its thread exits (harness threads are few and long-lived).
final class ThreadLocal<Value: AnyObject>: @unchecked Sendable {
    // A `let`: reading a class's `var` costs a dynamic exclusivity check per access.
    // Everything mutable is behind `registry`'s lock.
    private let key: pthread_key_t
    private let registry = NIOLockedValueBox<[Retained]>([])

    /// A +1 reference held by the registry. Values are reached from other threads only
    /// through `allValues()`, whose callers read them in a thread-safe way.
    private struct Retained: @unchecked Sendable {
        let value: Unmanaged<Value>
    }

    init() { key = makeThreadKey() }

    deinit {
        pthread_key_delete(key)
        registry.withLockedValue { values in
            for retained in values { retained.value.release() }
        }
    }

    /// The calling thread's value, made by `make` the first time.
    @inline(__always)
    func value(orMake make: () -> Value) -> Value {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<Value>.fromOpaque(raw).takeUnretainedValue()
        }
        let made = Unmanaged.passRetained(make())
        let entry = Retained(value: made)
        registry.withLockedValue { $0.append(entry) }
        pthread_setspecific(key, made.toOpaque())
        return made.takeUnretainedValue()
    }

    /// Every thread's value, for statistics (the caller must read them in a thread-safe way).
    func allValues() -> [Value] {
        let values = registry.withLockedValue { values in values }
        return values.map { $0.value.takeUnretainedValue() }
    }
}
