package lwt

// Paused promises wait here until the scheduler resumes them; spare is the
// array of the previous round, reused so that a loop of pauses does not
// allocate a slice each round.
var (
	paused        []Resolver[Unit]
	spare         []Resolver[Unit]
	pauseNotifier func(count int)
)

// Pause returns a sleeping, cancelable promise that the scheduler fulfills on
// its next round, letting other threads run first: Lwt's pause.
func Pause() Promise[Unit] {
	p, r := Task[Unit]()
	paused = append(paused, r)
	if pauseNotifier != nil {
		pauseNotifier(len(paused))
	}
	return p
}

// WakeupPaused fulfills the promises made by [Pause], oldest first. Those
// paused while it runs wait for the next call. This is the hook a scheduler
// calls once a round; lwtmain.Run does.
func WakeupPaused() {
	if len(paused) == 0 {
		return
	}
	batch := paused
	paused, spare = spare[:0], nil
	for i, r := range batch {
		batch[i] = Resolver[Unit]{}
		if n := r.n.root(); n.phase == pending {
			n.settle(Unit{}, nil, false)
		}
	}
	spare = batch[:0]
}

// PausedCount returns how many promises wait in [Pause].
func PausedCount() int { return len(paused) }

// RegisterPauseNotifier sets f to be called with the number of paused
// promises each time [Pause] is called, so that a scheduler knows it must not
// block. A nil f removes it.
func RegisterPauseNotifier(f func(count int)) { pauseNotifier = f }
