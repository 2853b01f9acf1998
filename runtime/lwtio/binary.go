package lwtio

import (
	"encoding/binary"
	"math"

	"github.com/lwtgo/lwt/runtime/lwt"
)

// A ByteOrder reads and writes binary numbers in one byte order: Lwt_io's
// NumberIO modules. Use the values [LE], [BE] and [NE]:
//
//	n := lwtio.BE.ReadUint32(ic)
//	lwtio.LE.WriteFloat64(oc, 1.5)
//
// A read fails with ErrEOF if the input ends before the number does; the
// bytes it found stay unread.
type ByteOrder struct{ big bool }

// The byte orders: little-endian (Lwt_io.LE), big-endian (Lwt_io.BE) and
// the machine's own (Lwt_io's unqualified read_int32 ...).
var (
	LE = ByteOrder{big: false}
	BE = ByteOrder{big: true}
	NE = ByteOrder{big: binary.NativeEndian.Uint16([]byte{0, 1}) == 1}
)

// Order returns the ByteOrder of encoding/binary that o is.
func (o ByteOrder) Order() binary.ByteOrder {
	if o.big {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

func (o ByteOrder) String() string {
	if o.big {
		return "BE"
	}
	return "LE"
}

// readNum reads n bytes (at most MinBufferSize) and decodes them with dec.
func readNum[T any](ic *InputChannel, n int, dec func([]byte) T) lwt.Promise[T] {
	c := ic.c
	if !c.closed && c.max-c.ptr >= n && !c.mu.IsLocked() {
		v := dec(c.buf[c.ptr : c.ptr+n])
		c.ptr += n
		return lwt.Return(v)
	}
	return primitive(c, func() lwt.Promise[T] {
		return lwt.Map(c.ensure(n), func(lwt.Unit) T {
			v := dec(c.buf[c.ptr : c.ptr+n])
			c.ptr += n
			return v
		})
	})
}

// ensure reads until the buffer holds n unread bytes, moving them to its
// start if need be.
func (c *channel) ensure(n int) lwt.Promise[lwt.Unit] {
	if c.max-c.ptr >= n {
		return lwt.ReturnUnit()
	}
	if c.ptr > 0 {
		c.max = copy(c.buf, c.buf[c.ptr:c.max])
		c.ptr = 0
	}
	return lwt.Bind(c.perform(c.buf[c.max:]), func(k int) lwt.Promise[lwt.Unit] {
		if k == 0 {
			return lwt.Fail[lwt.Unit](ErrEOF)
		}
		c.max += k
		return c.ensure(n)
	})
}

// writeNum encodes v with enc into n bytes (at most MinBufferSize) of the
// buffer.
func writeNum[T any](oc *OutputChannel, n int, v T, enc func([]byte, T)) lwt.Promise[lwt.Unit] {
	c := oc.c
	if !c.closed && len(c.buf)-c.ptr >= n && !c.mu.IsLocked() {
		enc(c.buf[c.ptr:c.ptr+n], v)
		c.ptr += n
		if !c.dirty {
			c.markDirty()
		}
		return lwt.ReturnUnit()
	}
	return primitive(c, func() lwt.Promise[lwt.Unit] {
		return lwt.Map(c.room(n), func(lwt.Unit) lwt.Unit {
			enc(c.buf[c.ptr:c.ptr+n], v)
			c.ptr += n
			return lwt.Unit{}
		})
	})
}

// room flushes until the buffer has room for n bytes.
func (c *channel) room(n int) lwt.Promise[lwt.Unit] {
	if len(c.buf)-c.ptr >= n {
		return lwt.ReturnUnit()
	}
	return lwt.Bind(c.flushPartial(), func(lwt.Unit) lwt.Promise[lwt.Unit] { return c.room(n) })
}

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
func be64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

func lei16(b []byte) int16       { return int16(binary.LittleEndian.Uint16(b)) }
func bei16(b []byte) int16       { return int16(binary.BigEndian.Uint16(b)) }
func lei32(b []byte) int32       { return int32(binary.LittleEndian.Uint32(b)) }
func bei32(b []byte) int32       { return int32(binary.BigEndian.Uint32(b)) }
func lei64(b []byte) int64       { return int64(binary.LittleEndian.Uint64(b)) }
func bei64(b []byte) int64       { return int64(binary.BigEndian.Uint64(b)) }
func lef32(b []byte) float32     { return math.Float32frombits(binary.LittleEndian.Uint32(b)) }
func bef32(b []byte) float32     { return math.Float32frombits(binary.BigEndian.Uint32(b)) }
func lef64(b []byte) float64     { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }
func bef64(b []byte) float64     { return math.Float64frombits(binary.BigEndian.Uint64(b)) }
func ple16(b []byte, v uint16)   { binary.LittleEndian.PutUint16(b, v) }
func pbe16(b []byte, v uint16)   { binary.BigEndian.PutUint16(b, v) }
func ple32(b []byte, v uint32)   { binary.LittleEndian.PutUint32(b, v) }
func pbe32(b []byte, v uint32)   { binary.BigEndian.PutUint32(b, v) }
func ple64(b []byte, v uint64)   { binary.LittleEndian.PutUint64(b, v) }
func pbe64(b []byte, v uint64)   { binary.BigEndian.PutUint64(b, v) }
func plei16(b []byte, v int16)   { binary.LittleEndian.PutUint16(b, uint16(v)) }
func pbei16(b []byte, v int16)   { binary.BigEndian.PutUint16(b, uint16(v)) }
func plei32(b []byte, v int32)   { binary.LittleEndian.PutUint32(b, uint32(v)) }
func pbei32(b []byte, v int32)   { binary.BigEndian.PutUint32(b, uint32(v)) }
func plei64(b []byte, v int64)   { binary.LittleEndian.PutUint64(b, uint64(v)) }
func pbei64(b []byte, v int64)   { binary.BigEndian.PutUint64(b, uint64(v)) }
func plef32(b []byte, v float32) { binary.LittleEndian.PutUint32(b, math.Float32bits(v)) }
func pbef32(b []byte, v float32) { binary.BigEndian.PutUint32(b, math.Float32bits(v)) }
func plef64(b []byte, v float64) { binary.LittleEndian.PutUint64(b, math.Float64bits(v)) }
func pbef64(b []byte, v float64) { binary.BigEndian.PutUint64(b, math.Float64bits(v)) }

func pick[F any](big bool, le, be F) F {
	if big {
		return be
	}
	return le
}

// ReadInt16 reads a 16-bit signed integer: Lwt_io.read_int16.
func (o ByteOrder) ReadInt16(ic *InputChannel) lwt.Promise[int16] {
	return readNum(ic, 2, pick(o.big, lei16, bei16))
}

// ReadInt32 reads a 32-bit signed integer: Lwt_io.read_int32.
func (o ByteOrder) ReadInt32(ic *InputChannel) lwt.Promise[int32] {
	return readNum(ic, 4, pick(o.big, lei32, bei32))
}

// ReadInt64 reads a 64-bit signed integer: Lwt_io.read_int64.
func (o ByteOrder) ReadInt64(ic *InputChannel) lwt.Promise[int64] {
	return readNum(ic, 8, pick(o.big, lei64, bei64))
}

// ReadUint16 reads a 16-bit unsigned integer.
func (o ByteOrder) ReadUint16(ic *InputChannel) lwt.Promise[uint16] {
	return readNum(ic, 2, pick(o.big, le16, be16))
}

// ReadUint32 reads a 32-bit unsigned integer.
func (o ByteOrder) ReadUint32(ic *InputChannel) lwt.Promise[uint32] {
	return readNum(ic, 4, pick(o.big, le32, be32))
}

// ReadUint64 reads a 64-bit unsigned integer.
func (o ByteOrder) ReadUint64(ic *InputChannel) lwt.Promise[uint64] {
	return readNum(ic, 8, pick(o.big, le64, be64))
}

// ReadFloat32 reads an IEEE 754 single-precision number:
// Lwt_io.read_float32.
func (o ByteOrder) ReadFloat32(ic *InputChannel) lwt.Promise[float32] {
	return readNum(ic, 4, pick(o.big, lef32, bef32))
}

// ReadFloat64 reads an IEEE 754 double-precision number:
// Lwt_io.read_float64.
func (o ByteOrder) ReadFloat64(ic *InputChannel) lwt.Promise[float64] {
	return readNum(ic, 8, pick(o.big, lef64, bef64))
}

// WriteInt16 writes v in 2 bytes: Lwt_io.write_int16.
func (o ByteOrder) WriteInt16(oc *OutputChannel, v int16) lwt.Promise[lwt.Unit] {
	return writeNum(oc, 2, v, pick(o.big, plei16, pbei16))
}

// WriteInt32 writes v in 4 bytes: Lwt_io.write_int32.
func (o ByteOrder) WriteInt32(oc *OutputChannel, v int32) lwt.Promise[lwt.Unit] {
	return writeNum(oc, 4, v, pick(o.big, plei32, pbei32))
}

// WriteInt64 writes v in 8 bytes: Lwt_io.write_int64.
func (o ByteOrder) WriteInt64(oc *OutputChannel, v int64) lwt.Promise[lwt.Unit] {
	return writeNum(oc, 8, v, pick(o.big, plei64, pbei64))
}

// WriteUint16 writes v in 2 bytes.
func (o ByteOrder) WriteUint16(oc *OutputChannel, v uint16) lwt.Promise[lwt.Unit] {
	return writeNum(oc, 2, v, pick(o.big, ple16, pbe16))
}

// WriteUint32 writes v in 4 bytes.
func (o ByteOrder) WriteUint32(oc *OutputChannel, v uint32) lwt.Promise[lwt.Unit] {
	return writeNum(oc, 4, v, pick(o.big, ple32, pbe32))
}

// WriteUint64 writes v in 8 bytes.
func (o ByteOrder) WriteUint64(oc *OutputChannel, v uint64) lwt.Promise[lwt.Unit] {
	return writeNum(oc, 8, v, pick(o.big, ple64, pbe64))
}

// WriteFloat32 writes v as an IEEE 754 single-precision number:
// Lwt_io.write_float32.
func (o ByteOrder) WriteFloat32(oc *OutputChannel, v float32) lwt.Promise[lwt.Unit] {
	return writeNum(oc, 4, v, pick(o.big, plef32, pbef32))
}

// WriteFloat64 writes v as an IEEE 754 double-precision number:
// Lwt_io.write_float64.
func (o ByteOrder) WriteFloat64(oc *OutputChannel, v float64) lwt.Promise[lwt.Unit] {
	return writeNum(oc, 8, v, pick(o.big, plef64, pbef64))
}
