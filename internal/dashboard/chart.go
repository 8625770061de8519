package dashboard

import (
	"fmt"
	"strconv"
)

// barChart is a bar chart laid out for an SVG rendered on the server: the
// template draws what is computed here. The SVG scales to its container
// (viewBox); colours come from the stylesheet.
type barChart struct {
	ID          string // prefix of element ids, unique on the page
	Title, Desc string
	Width       int
	Height      int
	Bars        []bar
	Grid        []gridLine
	PlotLeft    int // x of the value axis
	PlotRight   int
	Baseline    int    // y of zero
	ValueHeader string // header of the data table's value column
	LabelHeader string // header of its label column
}

// bar is one bar and its labels.
type bar struct {
	Label  string // under the bar
	Sub    string // a second line under the bar, may be empty
	Long   string // the full label, for the tooltip and the data table
	Value  int
	Short  string // the value as the label above the bar writes it: 950, 1.2k
	X, Y   int    // top-left corner
	W, H   int
	MidX   int // centre, for labels
	ValueY int // baseline of the value label above the bar
	Accent bool
}

// gridLine is a horizontal guide with its value.
type gridLine struct {
	Y     int
	Label string
}

// chart geometry, in viewBox units.
const (
	chartWidth  = 640
	chartHeight = 270
	plotTop     = 28
	plotBottom  = 210 // the baseline; labels go below it
	plotLeft    = 54
	plotRight   = 628
)

// niceCeiling rounds max up to a value that splits into four round
// steps: 1, 2, 2.5, 3, 4 or 5 times a power of ten.
func niceCeiling(max int) (top, step int) {
	if max <= 4 {
		return 4, 1
	}
	raw := (max + 3) / 4
	mag := 1
	for mag*10 <= raw {
		mag *= 10
	}
	for _, m := range []float64{1, 2, 2.5, 3, 4, 5, 10} {
		s := m * float64(mag)
		if s == float64(int(s)) && int(s) >= raw {
			step = int(s)
			break
		}
	}
	return step * 4, step
}

// newBarChart lays out bars for the values, with labels.
func newBarChart(id, title, desc string, labels, subs, longs []string, values []int, accent func(i int) bool) barChart {
	c := barChart{ID: id, Title: title, Desc: desc, Width: chartWidth, Height: chartHeight,
		PlotLeft: plotLeft, PlotRight: plotRight, Baseline: plotBottom}
	maxV := 0
	for _, v := range values {
		maxV = max(maxV, v)
	}
	top, step := niceCeiling(maxV)
	scale := func(v int) int { return plotBottom - int(float64(v)*float64(plotBottom-plotTop)/float64(top)+0.5) }
	for v := 0; v <= top; v += step {
		c.Grid = append(c.Grid, gridLine{Y: scale(v), Label: compact(v)})
	}
	n := len(values)
	slot := float64(plotRight-plotLeft) / float64(n)
	w := int(slot * 0.62)
	for i, v := range values {
		x := plotLeft + int(slot*float64(i)+(slot-float64(w))/2+0.5)
		y := scale(v)
		b := bar{Label: labels[i], Long: longs[i], Value: v, Short: compact(v), X: x, Y: y, W: w, H: plotBottom - y, MidX: x + w/2, ValueY: y - 7}
		if subs != nil {
			b.Sub = subs[i]
		}
		if accent != nil {
			b.Accent = accent(i)
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// compact writes an axis value: 950, 1.2k, 15k, 1.5M.
func compact(v int) string {
	switch {
	case v >= 1_000_000:
		return trimZero(float64(v)/1e6) + "M"
	case v >= 10_000:
		return strconv.Itoa(v/1000) + "k"
	case v >= 1000:
		return trimZero(float64(v)/1e3) + "k"
	}
	return strconv.Itoa(v)
}

func trimZero(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}
