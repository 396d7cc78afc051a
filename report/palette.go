package report

import "image/color"

// Palette is the one set of colours every format draws the report with:
// the HTML charts and stylesheet, the PDF's charts, headings and table
// shading, and the XLSX charts and header fills. Series take the colours
// in order; they are accessible on white and distinct in greyscale print.
var Palette = []color.RGBA{
	{0x1f, 0x4e, 0x79, 0xff}, // dark blue
	{0xe0, 0x8a, 0x1e, 0xff}, // orange
	{0x6a, 0xa8, 0x4f, 0xff}, // green
	{0x9e, 0x3d, 0x64, 0xff}, // plum
	{0x5b, 0x9b, 0xd5, 0xff}, // light blue
	{0x7f, 0x7f, 0x7f, 0xff}, // grey
	{0xc0, 0x50, 0x4d, 0xff}, // red
	{0x40, 0x40, 0x40, 0xff}, // dark grey
}

// The report's fixed colours besides the series.
var (
	Accent = Palette[0]                         // headings, title rule
	Shade  = color.RGBA{0xe8, 0xee, 0xf4, 0xff} // table header fill
	Ink    = color.RGBA{0x1b, 0x1b, 0x1b, 0xff} // text
	Muted  = color.RGBA{0x55, 0x55, 0x55, 0xff} // notes, axis labels
	Rule   = color.RGBA{0xc8, 0xc8, 0xc8, 0xff} // table rules, grid lines
)

// SeriesColor is the colour of series (or pie wedge) i.
func SeriesColor(i int) color.RGBA { return Palette[i%len(Palette)] }

// Hex is a colour as "1F4E79" (no '#'), as spreadsheets and CSS take it.
func Hex(c color.RGBA) string {
	const digits = "0123456789ABCDEF"
	b := []byte{c.R >> 4, c.R & 15, c.G >> 4, c.G & 15, c.B >> 4, c.B & 15}
	for i, v := range b {
		b[i] = digits[v]
	}
	return string(b)
}
