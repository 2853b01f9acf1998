package lwt

// Bind waits for p, then calls f with its value; the result is the promise f
// returns. If p fails, f is not called and the result fails with the same
// error. A panic in f fails the result with a [*PanicError].
//
// On a fulfilled p, f runs at once (see the package doc for the one
// exception, deep nesting). Canceling the result cancels p while f has not
// run, and the promise f returned once it has.
func Bind[T, U any](p Promise[T], f func(T) Promise[U]) Promise[U] {
	if p.n == nil && p.err == nil && depth < MaxNesting {
		return apply(f, p.v)
	}
	return bindSlow(p, f)
}

// finish ends a callback run at once. If it did not finish it panicked: the
// panic becomes a failure (the result is still zero then, so setting its
// error makes it a failed promise). At the outermost level it runs the work
// deeper levels queued. It is not generic so that the deferred call is a
// direct one, and it calls recover only after a panic, which saves a
// nanosecond on the path that matters.
func finish(done *bool, err *error) {
	depth--
	if !*done {
		if x := recover(); x != nil {
			*err = newPanicError(x)
		}
	}
	if depth == 0 && len(queue) != 0 {
		drainOutermost()
	}
}

func bindSlow[T, U any](p Promise[T], f func(T) Promise[U]) Promise[U] {
	if p.n == nil {
		if p.err != nil {
			return Promise[U]{err: p.err}
		}
		return apply(f, p.v)
	}
	r := p.n.root()
	switch r.phase {
	case fulfilled:
		return apply(f, r.val)
	case rejected:
		return Promise[U]{err: r.aux.(error)}
	}
	b := &binder[T, U]{f: f, ctx: current}
	b.out.aux = r
	r.addCallback(b)
	return Promise[U]{n: &b.out}
}

// binder is the pending result of Bind and the callback that produces it.
type binder[T, U any] struct {
	out node[U]
	f   func(T) Promise[U]
	ctx *binding
}

func (b *binder[T, U]) fire(v T, err error) {
	f := b.f
	b.f = nil
	if err != nil {
		b.out.resolve(*new(U), err)
		return
	}
	saved := current
	current = b.ctx
	r := call(f, v)
	current = saved
	b.out.become(r)
}

// apply calls f(v) as a callback on a resolved promise: the fast path of
// Bind, in one frame.
func apply[T, U any](f func(T) Promise[U], v T) (r Promise[U]) {
	if depth >= MaxNesting {
		return deferCall(f, v)
	}
	depth++
	done := false
	defer finish(&done, &r.err)
	r = f(v)
	done = true
	return r
}

// call runs f(v) inside a callback: nesting counted, a panic becomes a
// failure.
func call[T, U any](f func(T) Promise[U], v T) (r Promise[U]) {
	depth++
	done := false
	defer finish(&done, &r.err)
	r = f(v)
	done = true
	return r
}

// deferCall queues f(v) when the stack is already MaxNesting callbacks deep.
func deferCall[T, U any](f func(T) Promise[U], v T) Promise[U] {
	d := &deferred[T, U]{b: binder[T, U]{f: f, ctx: current}, v: v}
	queue = append(queue, d)
	return Promise[U]{n: &d.b.out}
}

type deferred[T, U any] struct {
	b binder[T, U]
	v T
}

func (d *deferred[T, U]) run() { d.b.fire(d.v, nil) }

// Map waits for p and fulfills the result with f of its value. A panic in f
// fails the result.
func Map[T, U any](p Promise[T], f func(T) U) Promise[U] {
	if p.n == nil {
		if p.err != nil {
			return Promise[U]{err: p.err}
		}
		return mapValue(f, p.v)
	}
	r := p.n.root()
	switch r.phase {
	case fulfilled:
		return mapValue(f, r.val)
	case rejected:
		return Promise[U]{err: r.aux.(error)}
	}
	m := &mapper[T, U]{f: f, ctx: current}
	m.out.aux = r
	r.addCallback(m)
	return Promise[U]{n: &m.out}
}

func mapValue[T, U any](f func(T) U, v T) (r Promise[U]) {
	defer func() {
		if x := recover(); x != nil {
			r = Promise[U]{err: newPanicError(x)}
		}
	}()
	return Promise[U]{v: f(v)}
}

type mapper[T, U any] struct {
	out node[U]
	f   func(T) U
	ctx *binding
}

func (m *mapper[T, U]) fire(v T, err error) {
	f := m.f
	m.f = nil
	if err != nil {
		m.out.resolve(*new(U), err)
		return
	}
	saved := current
	current = m.ctx
	r := mapValue(f, v)
	current = saved
	m.out.resolve(r.v, r.err)
}

// thunk calls f, turning a panic into a failed promise.
func thunk[T any](f func() Promise[T]) (r Promise[T]) {
	defer func() {
		if x := recover(); x != nil {
			r = Promise[T]{err: newPanicError(x)}
		}
	}()
	return f()
}

// Catch calls f and, if the promise it returns fails (or f panics), calls h
// with the error; the result is h's promise. Lwt's catch.
func Catch[T any](f func() Promise[T], h func(error) Promise[T]) Promise[T] {
	return catchPromise(thunk(f), h)
}

func catchPromise[T any](p Promise[T], h func(error) Promise[T]) Promise[T] {
	if p.n == nil {
		if p.err == nil {
			return p
		}
		return apply(h, p.err)
	}
	r := p.n.root()
	switch r.phase {
	case fulfilled:
		return Promise[T]{v: r.val}
	case rejected:
		return apply(h, r.aux.(error))
	}
	c := &catcher[T]{h: h, ctx: current}
	c.out.aux = r
	r.addCallback(c)
	return Promise[T]{n: &c.out}
}

type catcher[T any] struct {
	out node[T]
	h   func(error) Promise[T]
	ctx *binding
}

func (c *catcher[T]) fire(v T, err error) {
	h := c.h
	c.h = nil
	if err == nil {
		c.out.resolve(v, nil)
		return
	}
	saved := current
	current = c.ctx
	r := call(h, err)
	current = saved
	c.out.become(r)
}

// TryBind calls f and waits for its promise: on success the result is ok of
// the value, on failure (or a panic in f) it is ko of the error.
func TryBind[T, U any](f func() Promise[T], ok func(T) Promise[U], ko func(error) Promise[U]) Promise[U] {
	p := thunk(f)
	if p.n == nil {
		if p.err != nil {
			return apply(ko, p.err)
		}
		return apply(ok, p.v)
	}
	r := p.n.root()
	switch r.phase {
	case fulfilled:
		return apply(ok, r.val)
	case rejected:
		return apply(ko, r.aux.(error))
	}
	t := &trier[T, U]{ok: ok, ko: ko, ctx: current}
	t.out.aux = r
	r.addCallback(t)
	return Promise[U]{n: &t.out}
}

type trier[T, U any] struct {
	out node[U]
	ok  func(T) Promise[U]
	ko  func(error) Promise[U]
	ctx *binding
}

func (t *trier[T, U]) fire(v T, err error) {
	ok, ko := t.ok, t.ko
	t.ok, t.ko = nil, nil
	saved := current
	current = t.ctx
	var r Promise[U]
	if err != nil {
		r = call(ko, err)
	} else {
		r = call(ok, v)
	}
	current = saved
	t.out.become(r)
}

// BindResult waits for p and calls f with its value and error, whichever
// way p is resolved; the result is the promise f returns. It is TryBind on a
// promise rather than a function, with one continuation in Go's (value,
// error) style, and costs one allocation when p is pending. A panic in f
// fails the result. Canceling the result cancels p while f has not run, and
// the promise f returned once it has.
func BindResult[T, U any](p Promise[T], f func(T, error) Promise[U]) Promise[U] {
	if p.n == nil {
		return applyResult(f, p.v, p.err)
	}
	r := p.n.root()
	switch r.phase {
	case fulfilled:
		return applyResult(f, r.val, nil)
	case rejected:
		return applyResult(f, *new(T), r.aux.(error))
	}
	b := &resultBinder[T, U]{f: f, ctx: current}
	b.out.aux = r
	r.addCallback(b)
	return Promise[U]{n: &b.out}
}

type resultBinder[T, U any] struct {
	out node[U]
	f   func(T, error) Promise[U]
	ctx *binding
}

func (b *resultBinder[T, U]) fire(v T, err error) {
	f := b.f
	b.f = nil
	saved := current
	current = b.ctx
	r := callResult(f, v, err)
	current = saved
	b.out.become(r)
}

func applyResult[T, U any](f func(T, error) Promise[U], v T, err error) Promise[U] {
	if depth >= MaxNesting {
		return deferCall(func(Unit) Promise[U] { return f(v, err) }, Unit{})
	}
	return callResult(f, v, err)
}

func callResult[T, U any](f func(T, error) Promise[U], v T, err error) (r Promise[U]) {
	depth++
	done := false
	defer finish(&done, &r.err)
	r = f(v, err)
	done = true
	return r
}

// Finalize calls f and, once its promise is resolved either way, calls
// cleanup and waits for it. The result is f's outcome, unless cleanup fails:
// then its error wins. Lwt's finalize (try_lwt ... finally).
func Finalize[T any](f func() Promise[T], cleanup func() Promise[Unit]) Promise[T] {
	return TryBind(f,
		func(v T) Promise[T] {
			return Map(cleanup(), func(Unit) T { return v })
		},
		func(err error) Promise[T] {
			return Bind(cleanup(), func(Unit) Promise[T] { return Promise[T]{err: err} })
		})
}

// OnSuccess calls f with p's value once p is fulfilled. A panic in f goes to
// the async exception hook.
func OnSuccess[T any](p Promise[T], f func(T)) {
	OnAny(p, f, func(error) {})
}

// OnFailure calls f with p's error once p fails. A panic in f goes to the
// async exception hook.
func OnFailure[T any](p Promise[T], f func(error)) {
	OnAny(p, func(T) {}, f)
}

// OnTermination calls f once p is resolved either way. A panic in f goes to
// the async exception hook.
func OnTermination[T any](p Promise[T], f func()) {
	if p.n != nil {
		if r := p.n.root(); r.phase == pending {
			r.addCallback(&terminator[T]{f: f, ctx: current})
			return
		}
	}
	(&terminator[T]{f: f, ctx: current}).fire(*new(T), nil)
}

// terminator is OnTermination's callback: one allocation, where OnAny's
// two wrapping closures would make three.
type terminator[T any] struct {
	f   func()
	ctx *binding
}

func (t *terminator[T]) fire(T, error) {
	defer guard(t.ctx)()
	t.f()
}

// OnAny calls ok with p's value or ko with its error, once p is resolved. A
// panic in either goes to the async exception hook.
func OnAny[T any](p Promise[T], ok func(T), ko func(error)) {
	if p.n != nil {
		if r := p.n.root(); r.phase == pending {
			r.addCallback(&watcher[T]{ok: ok, ko: ko, ctx: current})
			return
		}
	}
	v, err := p.Result()
	(&watcher[T]{ok: ok, ko: ko, ctx: current}).fire(v, err)
}

type watcher[T any] struct {
	ok  func(T)
	ko  func(error)
	ctx *binding
}

func (w *watcher[T]) fire(v T, err error) {
	defer guard(w.ctx)()
	if err != nil {
		w.ko(err)
	} else {
		w.ok(v)
	}
}

// guard runs a callback nobody waits for (On* and OnCancel): it sets the
// callback's keys, and returns what its caller defers, which restores them
// and sends a panic to the async exception hook.
func guard(ctx *binding) func() {
	saved := current
	current = ctx
	return func() {
		current = saved
		if x := recover(); x != nil {
			hook(newPanicError(x))
		}
	}
}
