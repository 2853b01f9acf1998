package lwt

// Key names a variable whose value is local to a thread of promises: Lwt's
// 'a key. A callback sees the values that were in effect when it was
// registered, wherever it runs.
type Key[T any] struct {
	_ byte // distinct keys must have distinct addresses
}

// binding is one link of the immutable list of keys in effect.
type binding struct {
	key  any // *Key[T]
	val  any
	set  bool
	next *binding
}

// NewKey makes a new key, unset everywhere.
func NewKey[T any]() *Key[T] { return new(Key[T]) }

// Get returns the value of k in the current thread, and whether it is set.
func Get[T any](k *Key[T]) (T, bool) {
	for b := current; b != nil; b = b.next {
		if b.key == any(k) {
			if !b.set {
				break
			}
			return b.val.(T), true
		}
	}
	return *new(T), false
}

// WithValue calls f with k set to v, and restores the previous binding when f
// returns or panics. Promises f creates keep seeing v in their callbacks.
func WithValue[T, R any](k *Key[T], v T, f func() R) R {
	return with(&binding{key: k, val: v, set: true}, f)
}

// WithoutValue calls f with k unset, as [WithValue] sets it.
func WithoutValue[T, R any](k *Key[T], f func() R) R {
	return with(&binding{key: k}, f)
}

func with[R any](b *binding, f func() R) R {
	b.next = current
	saved := current
	current = b
	defer func() { current = saved }()
	return f()
}
