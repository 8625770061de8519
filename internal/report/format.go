package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Formats are the output formats Write knows.
var Formats = []string{"table", "csv", "json"}

// Write writes r in format: table (aligned columns and a total line), csv
// (a header row, then one row per seat) or json.
func Write(w io.Writer, r Report, format string) error {
	switch format {
	case "table":
		return writeTable(w, r)
	case "csv":
		return writeCSV(w, r)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return fmt.Errorf("unknown format %q", format)
}

func lastActivity(row Row) string {
	if row.LastActivityAt == nil {
		return ""
	}
	return row.LastActivityAt.UTC().Format(time.RFC3339)
}

func pending(row Row) string {
	if row.PendingCancellationDate == nil {
		return ""
	}
	return *row.PendingCancellationDate
}

func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// moneyTable is v as the table shows it, with thousands separators:
// 12,345.00.
func moneyTable(v float64) string {
	whole, frac, _ := strings.Cut(money(v), ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	return Thousands(n) + "." + frac
}

// Thousands is n with commas between groups of three digits: 1,234,567.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}

func grant(row Row) string {
	switch row.GrantType {
	case GrantTeam:
		return "team " + row.Grant
	case GrantEnterpriseTeam:
		return "enterprise team " + row.Grant
	}
	return row.Grant
}

func writeTable(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	org := func(row Row) string { return "" }
	if r.Enterprise != "" {
		org = func(row Row) string { return row.Organization + "\t" }
		fmt.Fprint(tw, "ORGANIZATION\t")
	}
	fmt.Fprintln(tw, "LOGIN\tLAST ACTIVITY\tDAYS IDLE\tGRANT\tPENDING CANCELLATION\tMONTHLY USD")
	for _, row := range r.Seats {
		last := lastActivity(row)
		if last == "" {
			last = "never"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\n", org(row), row.Login, last, Thousands(int64(row.DaysIdle)), grant(row), pending(row), moneyTable(row.MonthlyCost))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	filter := ""
	if r.InactiveDays > 0 {
		filter = fmt.Sprintf(" idle for %d days or more", r.InactiveDays)
	}
	where := fmt.Sprintf("%s (%s)", r.Organization, r.PlanType)
	if r.Enterprise != "" {
		where = "enterprise " + r.Enterprise
	}
	_, err := fmt.Fprintf(w, "\n%s seats%s in %s at %s: %s USD a month\n",
		Thousands(int64(r.TotalSeats)), filter, where, r.At.Format(time.RFC3339), moneyTable(r.MonthlyCost))
	return err
}

func writeCSV(w io.Writer, r Report) error {
	c := newCSV(w, r.Enterprise != "")
	for _, row := range r.Seats {
		c.Write(row)
	}
	return c.Flush()
}

// CSV writes rows in the report's CSV one at a time, after its header,
// for a list too long to hold.
type CSV struct {
	w       *csv.Writer
	withOrg bool // an enterprise's report: the organization first
}

// NewCSV starts a CSV on w with its header.
func NewCSV(w io.Writer) *CSV { return newCSV(w, false) }

func newCSV(w io.Writer, withOrg bool) *CSV {
	c := &CSV{w: csv.NewWriter(w), withOrg: withOrg}
	c.w.Write(c.cells("organization", "login", "last_activity_at", "last_activity_editor", "days_idle", "grant_type", "grant",
		"created_at", "pending_cancellation_date", "monthly_cost_usd"))
	return c
}

// cells is a line of the CSV: org first in an enterprise's, then the rest.
func (c *CSV) cells(org string, rest ...string) []string {
	if c.withOrg {
		return append([]string{org}, rest...)
	}
	return rest
}

// Write adds a row (errors are kept for Flush).
func (c *CSV) Write(row Row) {
	cells := c.cells(row.Organization, row.Login, lastActivity(row), row.LastActivityEditor, strconv.Itoa(row.DaysIdle), row.GrantType, row.Grant,
		row.CreatedAt.Format(time.RFC3339), pending(row), money(row.MonthlyCost))
	for i, cell := range cells {
		cells[i] = neutralise(cell)
	}
	c.w.Write(cells)
}

// Flush writes what is buffered and reports the first error.
func (c *CSV) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// neutralise keeps a spreadsheet from reading a cell as a formula, as
// OWASP recommends against CSV injection: a cell that begins with =, +,
// -, @, a tab or a carriage return gets a leading single quote (the CSV
// writer then quotes the cell as it needs). An editor string such as
// "=HYPERLINK(...)" is data, and stays visible as such.
func neutralise(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
