package tokenize_test

import (
	"fmt"

	"github.com/tokenmill/tokenmill/tokenize"
)

func ExampleGet() {
	enc, err := tokenize.Get("cl100k_base")
	if err != nil {
		panic(err)
	}
	ids := enc.Encode("hello world")
	eot, _ := enc.EndOfText()
	fmt.Println(ids, eot, enc.Decode(ids))
	// Output: [15339 1917] 100257 hello world
}

func ExampleEncoder_EncodeSpecial() {
	enc, _ := tokenize.Get("cl100k_base")
	text := "hi<|endoftext|>"
	fmt.Println(enc.Encode(text))             // the special string as text
	fmt.Println(enc.EncodeSpecial(text, nil)) // as the control token
	// Output:
	// [6151 27 91 8862 728 428 91 29]
	// [6151 100257]
}
