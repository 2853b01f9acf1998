package lwtio

import (
	"github.com/lwtgo/lwt/runtime/lwt"
	"github.com/lwtgo/lwt/runtime/lwtstream"
)

// ReadChars returns the stream of the bytes of ic, which ends at the end of
// input: Lwt_io.read_chars. Each element is one ReadCharOpt, so operations
// started on ic meanwhile take their bytes between two elements. A failure
// of a read is passed to the stream's reader, and the stream stays open.
func (ic *InputChannel) ReadChars() *lwtstream.Stream[byte] {
	return lwtstream.From(ic.ReadCharOpt)
}

// ReadLines returns the stream of the lines of ic, as ReadLine reads them,
// which ends at the end of input: Lwt_io.read_lines. Each element is one
// ReadLineOpt.
func (ic *InputChannel) ReadLines() *lwtstream.Stream[string] {
	return lwtstream.From(ic.ReadLineOpt)
}

// WriteChars writes the bytes of s until it ends, each once the previous
// one is written: Lwt_io.write_chars. It fails with the first failure of s
// or of a write.
func (oc *OutputChannel) WriteChars(s *lwtstream.Stream[byte]) lwt.Promise[lwt.Unit] {
	return lwtstream.IterS(s, oc.WriteChar)
}

// WriteLines writes each string of s followed by "\n", until s ends:
// Lwt_io.write_lines. It fails with the first failure of s or of a write.
func (oc *OutputChannel) WriteLines(s *lwtstream.Stream[string]) lwt.Promise[lwt.Unit] {
	return lwtstream.IterS(s, oc.WriteLine)
}

// Hexdump writes the hexadecimal dump of s, in the format of hexdump -C
// (see lwtstream.Hexdump): Lwt_io.hexdump.
func (oc *OutputChannel) Hexdump(s string) lwt.Promise[lwt.Unit] {
	return oc.HexdumpStream(lwtstream.OfString(s))
}

// HexdumpStream writes the hexadecimal dump of the bytes of s:
// Lwt_io.hexdump_stream.
func (oc *OutputChannel) HexdumpStream(s *lwtstream.Stream[byte]) lwt.Promise[lwt.Unit] {
	return oc.WriteLines(lwtstream.Hexdump(s))
}
