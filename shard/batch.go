package shard

import (
	"encoding/json"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/tokenmill/tokenmill/mill"
)

// batchBuilder accumulates rows of one layout into a record batch.
type batchBuilder struct {
	rb     *array.RecordBuilder
	uint16 bool
	rows   int
	bytes  int64 // estimated uncompressed size of the rows
}

func newBatchBuilder(schema *arrow.Schema, tokType string) *batchBuilder {
	return &batchBuilder{rb: array.NewRecordBuilder(memory.DefaultAllocator, schema),
		uint16: tokType == "uint16"}
}

// appendTokens adds ids to a list builder of int32 or uint16.
func (b *batchBuilder) appendTokens(lb *array.ListBuilder, ids []int32) error {
	if !b.uint16 {
		lb.Append(true)
		lb.ValueBuilder().(*array.Int32Builder).AppendValues(ids, nil)
		return nil
	}
	for _, id := range ids {
		if id < 0 || id > 0xFFFF {
			return fmt.Errorf("token id %d does not fit token_type uint16 (use int32)", id)
		}
	}
	lb.Append(true)
	vb := lb.ValueBuilder().(*array.Uint16Builder)
	vb.Reserve(len(ids))
	for _, id := range ids {
		vb.UnsafeAppend(uint16(id))
	}
	return nil
}

// docSize estimates the uncompressed bytes a document adds to a batch.
func docSize(d *mill.Document, metaLen int, tokBytes int) int64 {
	return int64(len(d.ID)+len(d.Source)+len(d.URL)+len(d.Text)+metaLen) +
		int64(len(d.Tokens)*tokBytes) + 5*4 + 4 + 4
}

// metaJSON renders d.Meta as a JSON object with sorted keys ("" for none).
func metaJSON(d *mill.Document) (string, error) {
	if len(d.Meta) == 0 {
		return "", nil
	}
	b, err := json.Marshal(d.Meta)
	if err != nil {
		return "", fmt.Errorf("encoding meta: %w", err)
	}
	return string(b), nil
}

// reserve sizes the text and token buffers of a new batch for about limit
// bytes, half text and half tokens, so that they are not regrown (and
// copied) a dozen times while the batch fills.
func (b *batchBuilder) reserve(limit int64) {
	if limit <= 0 || limit > 1<<30 {
		return
	}
	b.rb.Field(3).(*array.StringBuilder).ReserveData(int(limit / 2))
	vb := b.rb.Field(4).(*array.ListBuilder).ValueBuilder()
	if b.uint16 {
		vb.Reserve(int(limit / 4))
	} else {
		vb.Reserve(int(limit / 8))
	}
}

// appendDoc adds one row of the documents layout.
func (b *batchBuilder) appendDoc(d *mill.Document, meta string, size int64) error {
	if err := b.appendTokens(b.rb.Field(4).(*array.ListBuilder), d.Tokens); err != nil {
		return err
	}
	b.rb.Field(0).(*array.StringBuilder).Append(d.ID)
	b.rb.Field(1).(*array.StringBuilder).Append(d.Source)
	b.rb.Field(2).(*array.StringBuilder).Append(d.URL)
	b.rb.Field(3).(*array.StringBuilder).Append(d.Text)
	b.rb.Field(5).(*array.Int32Builder).Append(int32(len(d.Tokens)))
	b.rb.Field(6).(*array.StringBuilder).Append(meta)
	b.rows++
	b.bytes += size
	return nil
}

// appendWindow adds one row of the packed layout.
func (b *batchBuilder) appendWindow(ids, starts []int32, pad int32) error {
	if err := b.appendTokens(b.rb.Field(0).(*array.ListBuilder), ids); err != nil {
		return err
	}
	lb := b.rb.Field(1).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Int32Builder).AppendValues(starts, nil)
	b.rb.Field(2).(*array.Int32Builder).Append(pad)
	b.rows++
	tb := 4
	if b.uint16 {
		tb = 2
	}
	b.bytes += int64(len(ids)*tb+len(starts)*4) + 12
	return nil
}

// take returns the rows built so far as a record batch and resets the
// builder; nil when empty.
func (b *batchBuilder) take() arrow.RecordBatch {
	if b.rows == 0 {
		return nil
	}
	rec := b.rb.NewRecordBatch()
	b.rows, b.bytes = 0, 0
	return rec
}

func (b *batchBuilder) release() { b.rb.Release() }
