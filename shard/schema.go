package shard

import (
	"encoding/json"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Layout names a record layout.
const (
	LayoutDocuments = "documents"
	LayoutPacked    = "packed"
)

// Column names of the two layouts.
const (
	ColID         = "id"
	ColSource     = "source"
	ColURL        = "url"
	ColText       = "text"
	ColTokens     = "tokens"
	ColNTokens    = "n_tokens"
	ColMeta       = "meta"
	ColInputIDs   = "input_ids"
	ColDocOffsets = "doc_offsets"
	ColNPad       = "n_pad"
)

// tokenType returns the Arrow type of token ids: int32, or uint16 when the
// vocabulary fits.
func tokenType(name string) (arrow.DataType, error) {
	switch name {
	case "int32":
		return arrow.PrimitiveTypes.Int32, nil
	case "uint16":
		return arrow.PrimitiveTypes.Uint16, nil
	}
	return nil, fmt.Errorf("token type %q is not int32 or uint16", name)
}

// DocumentsSchema is the schema of the documents layout: one row per
// document, tokens as a list of tokType ("int32" or "uint16"), meta as a
// JSON object in a string. The schema carries the Hugging Face features in
// its "huggingface" metadata.
func DocumentsSchema(tokType string) (*arrow.Schema, error) {
	tt, err := tokenType(tokType)
	if err != nil {
		return nil, err
	}
	fields := []arrow.Field{
		{Name: ColID, Type: arrow.BinaryTypes.String},
		{Name: ColSource, Type: arrow.BinaryTypes.String},
		{Name: ColURL, Type: arrow.BinaryTypes.String},
		{Name: ColText, Type: arrow.BinaryTypes.String},
		{Name: ColTokens, Type: arrow.ListOf(tt)},
		{Name: ColNTokens, Type: arrow.PrimitiveTypes.Int32},
		{Name: ColMeta, Type: arrow.BinaryTypes.String},
	}
	for i := range fields {
		fields[i].Nullable = true
	}
	return withFeatures(fields)
}

// PackedSchema is the schema of the packed layout: input_ids holds
// seq_len+1 tokens, doc_offsets the positions in input_ids where a document
// starts, n_pad the number of padding tokens at the end of the window (only
// the last window of a split is padded).
func PackedSchema(tokType string) (*arrow.Schema, error) {
	tt, err := tokenType(tokType)
	if err != nil {
		return nil, err
	}
	fields := []arrow.Field{
		{Name: ColInputIDs, Type: arrow.ListOf(tt), Nullable: true},
		{Name: ColDocOffsets, Type: arrow.ListOf(arrow.PrimitiveTypes.Int32), Nullable: true},
		{Name: ColNPad, Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}
	return withFeatures(fields)
}

// schemaFor returns the schema of a layout.
func schemaFor(layout, tokType string) (*arrow.Schema, error) {
	if layout == LayoutPacked {
		return PackedSchema(tokType)
	}
	return DocumentsSchema(tokType)
}

func withFeatures(fields []arrow.Field) (*arrow.Schema, error) {
	feats, err := Features(fields)
	if err != nil {
		return nil, err
	}
	meta, err := json.Marshal(map[string]any{"info": map[string]any{"features": feats}})
	if err != nil {
		return nil, err
	}
	md := arrow.NewMetadata([]string{"huggingface"}, []string{string(meta)})
	return arrow.NewSchema(fields, &md), nil
}

// Features describes fields as Hugging Face datasets' Features.to_dict does:
// {"name": {"dtype": "string", "_type": "Value"}, …}, lists as Sequence
// (which datasets 4 still reads, as a List).
func Features(fields []arrow.Field) (map[string]any, error) {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		v, err := feature(f.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		out[f.Name] = v
	}
	return out, nil
}

func feature(t arrow.DataType) (map[string]any, error) {
	switch t.ID() {
	case arrow.STRING:
		return map[string]any{"dtype": "string", "_type": "Value"}, nil
	case arrow.INT32:
		return map[string]any{"dtype": "int32", "_type": "Value"}, nil
	case arrow.INT64:
		return map[string]any{"dtype": "int64", "_type": "Value"}, nil
	case arrow.UINT16:
		return map[string]any{"dtype": "uint16", "_type": "Value"}, nil
	case arrow.LIST:
		inner, err := feature(t.(*arrow.ListType).Elem())
		if err != nil {
			return nil, err
		}
		// "length": -1 (variable) is spelled out: some datasets versions
		// read it without a default.
		return map[string]any{"feature": inner, "length": -1, "_type": "Sequence"}, nil
	}
	return nil, fmt.Errorf("type %s has no Hugging Face feature", t)
}
