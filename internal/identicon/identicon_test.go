package identicon

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// TestPNG: an identicon is a 420×420 PNG, the same for the same id and
// different for different ids, mirrored left to right, with cells in one
// colour other than the background.
func TestPNG(t *testing.T) {
	seen := map[string]int64{}
	for id := int64(1); id <= 50; id++ {
		b := PNG(id)
		if !bytes.Equal(b, PNG(id)) {
			t.Fatalf("id %d: two different identicons", id)
		}
		if other, ok := seen[string(b)]; ok {
			t.Errorf("ids %d and %d share an identicon", other, id)
		}
		seen[string(b)] = id
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("id %d: %v", id, err)
		}
		if img.Bounds() != image.Rect(0, 0, Size, Size) {
			t.Fatalf("id %d: bounds %v", id, img.Bounds())
		}
		colours := map[[4]uint32]bool{}
		for y := 0; y < Size; y += 7 {
			for x := 0; x < Size; x += 7 {
				r, g, bl, a := img.At(x, y).RGBA()
				colours[[4]uint32{r, g, bl, a}] = true
				r2, g2, b2, a2 := img.At(Size-1-x, y).RGBA()
				if r != r2 || g != g2 || bl != b2 || a != a2 {
					t.Fatalf("id %d: not mirrored at (%d, %d)", id, x, y)
				}
			}
		}
		if len(colours) > 2 {
			t.Errorf("id %d: %d colours", id, len(colours))
		}
	}
}
