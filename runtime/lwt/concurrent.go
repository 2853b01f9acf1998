package lwt

import "math/rand/v2"

// joiner counts the pending inputs of Join, All and Both. Its callbacks are
// the joiner itself seen as a joinCb of each input's type, so waiting on n
// promises costs one allocation.
type joiner struct {
	out   node[Unit]
	count int
	err   error
	how   cancelMany
}

type joinCb[T any] joiner

func (c *joinCb[T]) fire(_ T, err error) {
	j := (*joiner)(c)
	if err != nil && j.err == nil {
		j.err = err
	}
	if j.count--; j.count == 0 {
		j.out.resolve(Unit{}, j.err)
	}
}

// add registers p; already-failed promises count in list order.
func joinAdd[T any](j *joiner, p Promise[T]) {
	if p.n == nil {
		if p.err != nil && j.err == nil {
			j.err = p.err
		}
		return
	}
	r := p.n.root()
	switch r.phase {
	case pending:
		j.count++
		r.addCallback((*joinCb[T])(j))
		j.how = append(j.how, r)
	case rejected:
		if j.err == nil {
			j.err = r.err()
		}
	}
}

func (j *joiner) promise() Promise[Unit] {
	if j.count == 0 {
		return Promise[Unit]{err: j.err}
	}
	j.out.aux = j.how
	j.how = nil
	return Promise[Unit]{n: &j.out}
}

// Join waits for all of ps. If any fails, the result fails once all are
// resolved, with the first failure: those already failed in list order
// first, then in the order they failed. Join of nothing is fulfilled.
// Canceling the result cancels every input.
func Join(ps ...Promise[Unit]) Promise[Unit] {
	j := &joiner{}
	for _, p := range ps {
		joinAdd(j, p)
	}
	return j.promise()
}

// All waits for all of ps and fulfills the result with their values, in the
// order of ps. Failures are handled as by [Join].
func All[T any](ps ...Promise[T]) Promise[[]T] {
	j := &joiner{}
	for _, p := range ps {
		joinAdd(j, p)
	}
	ps = append([]Promise[T](nil), ps...) // the caller may reuse its slice
	return Map(j.promise(), func(Unit) []T {
		vs := make([]T, len(ps))
		for i, p := range ps {
			vs[i], _ = p.Result()
		}
		return vs
	})
}

// Pair holds the values of [Both].
type Pair[A, B any] struct {
	First  A
	Second B
}

// Both waits for a and b; failures are handled as by [Join].
func Both[A, B any](a Promise[A], b Promise[B]) Promise[Pair[A, B]] {
	j := &joiner{}
	joinAdd(j, a)
	joinAdd(j, b)
	return Map(j.promise(), func(Unit) Pair[A, B] {
		va, _ := a.Result()
		vb, _ := b.Result()
		return Pair[A, B]{va, vb}
	})
}

// prng makes Choose among resolved promises reproducible from run to run, as
// Lwt's fixed-seed generator does.
var prng *rand.Rand

// resolvedIndex returns the index of a resolved promise among ps, or -1 if all
// are pending. A failed one wins over fulfilled ones; among several of the
// winning kind one is drawn from prng.
func resolvedIndex[T any](ps []Promise[T]) int {
	var done, failed []int
	for i, p := range ps {
		if p.IsSleeping() {
			continue
		}
		if _, err := p.Result(); err != nil {
			failed = append(failed, i)
		} else {
			done = append(done, i)
		}
	}
	if len(failed) > 0 {
		done = failed
	}
	switch len(done) {
	case 0:
		return -1
	case 1:
		return done[0]
	}
	if prng == nil {
		prng = rand.New(rand.NewPCG(0x4c7774, 0x476f))
	}
	return done[prng.IntN(len(done))]
}

func nonEmpty[T any](api string, ps []Promise[T]) {
	if len(ps) == 0 {
		panic(api + " of no promises: the result would be pending forever")
	}
}

// chooser is the result of Choose and Pick, and their callback on each input.
type chooser[T any] struct {
	out   node[T]
	pick  []Promise[T] // for Pick: the inputs to cancel
	fired bool         // the first input resolved: ignore the others
}

func (c *chooser[T]) fire(v T, err error) {
	if c.fired || c.out.root().phase != pending {
		return
	}
	// Set first: canceling the others below runs their callbacks, this one
	// among them.
	c.fired = true
	for _, p := range c.pick {
		Cancel(p)
	}
	c.pick = nil
	c.out.resolve(v, err)
}

func (c *chooser[T]) removed() bool { return c.fired || c.out.root().phase != pending }

func choose[T any](ps []Promise[T], pick bool) Promise[T] {
	c := &chooser[T]{}
	if pick {
		c.pick = append([]Promise[T](nil), ps...)
	}
	how := make(cancelMany, len(ps))
	for i, p := range ps {
		r := p.n.root()
		r.addCallback(c)
		how[i] = r
	}
	c.out.aux = how
	return Promise[T]{n: &c.out}
}

// Choose resolves as the first of ps to resolve. If several are resolved
// already, a failed one wins; otherwise one is drawn from a generator with a
// fixed seed, so runs are reproducible. Canceling the result cancels every
// input. Choose of nothing panics.
func Choose[T any](ps ...Promise[T]) Promise[T] {
	nonEmpty("lwt.Choose", ps)
	if i := resolvedIndex(ps); i >= 0 {
		return ps[i]
	}
	return choose(ps, false)
}

// Pick is [Choose], and it cancels the other inputs as soon as one is
// resolved.
func Pick[T any](ps ...Promise[T]) Promise[T] {
	nonEmpty("lwt.Pick", ps)
	if i := resolvedIndex(ps); i >= 0 {
		for _, p := range ps {
			Cancel(p)
		}
		return ps[i]
	}
	return choose(ps, true)
}

// collect returns the values of the fulfilled promises among ps, in order,
// or the first failure in list order.
func collect[T any](ps []Promise[T]) ([]T, error) {
	var vs []T
	for _, p := range ps {
		if p.IsSleeping() {
			continue
		}
		v, err := p.Result()
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, nil
}

func anyResolved[T any](ps []Promise[T]) bool {
	for _, p := range ps {
		if !p.IsSleeping() {
			return true
		}
	}
	return false
}

// nchooser is the result of NChoose and NPick and their callback.
type nchooser[T any] struct {
	out   node[[]T]
	ps    []Promise[T]
	pick  bool
	fired bool
}

func (c *nchooser[T]) fire(T, error) {
	if c.fired || c.out.root().phase != pending {
		return
	}
	c.fired = true
	vs, err := collect(c.ps)
	if c.pick {
		for _, p := range c.ps {
			Cancel(p)
		}
	}
	c.out.resolve(vs, err)
}

func (c *nchooser[T]) removed() bool { return c.fired || c.out.root().phase != pending }

func nchoose[T any](ps []Promise[T], pick bool) Promise[[]T] {
	c := &nchooser[T]{ps: append([]Promise[T](nil), ps...), pick: pick}
	how := make(cancelMany, len(ps))
	for i, p := range ps {
		r := p.n.root()
		r.addCallback(c)
		how[i] = r
	}
	c.out.aux = how
	return Promise[[]T]{n: &c.out}
}

// NChoose waits until at least one of ps is resolved and fulfills the result
// with the values of all those fulfilled by then, in list order; if one of
// them failed, the result fails with the first such failure. A promise that
// appears twice gives its value twice. NChoose of nothing panics.
func NChoose[T any](ps ...Promise[T]) Promise[[]T] {
	nonEmpty("lwt.NChoose", ps)
	if anyResolved(ps) {
		return OfResult(collect(ps))
	}
	return nchoose(ps, false)
}

// NPick is [NChoose], and it cancels the inputs still pending once one is
// resolved.
func NPick[T any](ps ...Promise[T]) Promise[[]T] {
	nonEmpty("lwt.NPick", ps)
	if anyResolved(ps) {
		vs, err := collect(ps)
		for _, p := range ps {
			Cancel(p)
		}
		return OfResult(vs, err)
	}
	return nchoose(ps, true)
}
