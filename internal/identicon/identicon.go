// Package identicon draws GitHub-style identicons: a 5×5 grid, mirrored
// left to right, of cells in one colour on a light background, both chosen
// by a hash of the account's id, so an account always gets the same one.
package identicon

import (
	"bytes"
	"crypto/md5"
	"image"
	"image/color"
	"image/png"
	"strconv"
)

// Geometry, in pixels, as GitHub's: 420×420, a 35 px margin, 70 px cells.
const (
	Size   = 420
	margin = 35
	cell   = 70
	grid   = 5
)

var background = color.NRGBA{0xF0, 0xF0, 0xF0, 0xFF}

// PNG returns the identicon of the account with id, PNG-encoded.
func PNG(id int64) []byte {
	sum := md5.Sum([]byte(strconv.FormatInt(id, 10)))
	fg := foreground(sum)
	img := image.NewPaletted(image.Rect(0, 0, Size, Size), color.Palette{background, fg})
	for col := 0; col < (grid+1)/2; col++ { // the left half and the middle; the rest mirrors them
		for row := 0; row < grid; row++ {
			// One nibble of the hash a cell: even fills it.
			i := col*grid + row
			if sum[i/2]>>(4*uint(i%2))&1 != 0 {
				continue
			}
			for _, c := range []int{col, grid - 1 - col} {
				x0, y0 := margin+c*cell, margin+row*cell
				for y := y0; y < y0+cell; y++ {
					for x := x0; x < x0+cell; x++ {
						img.SetColorIndex(x, y, 1)
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // encoding an in-memory paletted image cannot fail
	}
	return buf.Bytes()
}

// foreground is the cells' colour: a hue from the hash's last bytes, with
// saturation and lightness in GitHub's ranges.
func foreground(sum [16]byte) color.NRGBA {
	hue := float64(uint16(sum[13]&0x0F)<<8|uint16(sum[14])) / 4095 * 360
	sat := 65 - float64(sum[15]&0x0F)/15*20 // 45-65 %
	lig := 75 - float64(sum[15]>>4)/15*20   // 55-75 %
	return hsl(hue, sat/100, lig/100)
}

// hsl converts a colour from hue (degrees), saturation and lightness
// (0-1) to RGB.
func hsl(h, s, l float64) color.NRGBA {
	c := (1 - abs(2*l-1)) * s
	hp := h / 60
	x := c * (1 - abs(mod2(hp)-1))
	var r, g, b float64
	switch {
	case hp < 1:
		r, g = c, x
	case hp < 2:
		r, g = x, c
	case hp < 3:
		g, b = c, x
	case hp < 4:
		g, b = x, c
	case hp < 5:
		r, b = x, c
	default:
		r, b = c, x
	}
	m := l - c/2
	to8 := func(v float64) uint8 { return uint8((v+m)*255 + 0.5) }
	return color.NRGBA{to8(r), to8(g), to8(b), 0xFF}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// mod2 is v modulo 2, for v >= 0.
func mod2(v float64) float64 { return v - 2*float64(int(v/2)) }
