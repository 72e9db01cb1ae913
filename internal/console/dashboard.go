package console

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/monban-dev/monban/internal/audit"
	"github.com/monban-dev/monban/internal/store"
)

// The dashboard: the number of users, new users and sign-ins per day over
// the last dashboardDays days as bar charts drawn on the server (inline
// SVG, no script, a table of the same numbers beside each), and the users
// active over 7 and 30 days. New users and sign-ins are what the audit log
// records (audit.KeyRegister, audit.KeySignIn: the hosted pages' sign-ups
// and sign-ins; users created by an admin or the API are counted in the
// total only); active users are audit.ActiveUsers'.
func (c *Console) dashboardRoutes(rt *router) {
	rt.Page("/console/dashboard", c.dashboard)
}

const dashboardDays = 14

type dashboardData struct {
	Page
	TotalUsers          int64
	Active7, Active30   int64
	NewUsers, SignIns   chart
	NewTotal, SignInSum int64
}

func (c *Console) dashboard(w http.ResponseWriter, r *http.Request, a *Admin) {
	ctx := r.Context()
	now := c.now()
	_, total, err := c.o.Store.ListUsers(ctx, store.Page{Number: 1, Size: 1})
	if err != nil {
		c.fail(w, r, "count users", err)
		return
	}
	d := dashboardData{Page: c.page(r, a, "dashboard", "dash.title"), TotalUsers: total}
	for _, s := range []struct {
		key   string
		chart *chart
		sum   *int64
		id    string
		title string
	}{
		{audit.KeyRegister, &d.NewUsers, &d.NewTotal, "chart-new-users", "dash.new_users"},
		{audit.KeySignIn, &d.SignIns, &d.SignInSum, "chart-sign-ins", "dash.sign_ins"},
	} {
		counts, err := c.o.Audit.DailyCounts(ctx, s.key, dashboardDays, now)
		if err != nil {
			c.fail(w, r, "count "+s.key, err)
			return
		}
		*s.chart = barChart(s.id, a.Tr.T(s.title), counts)
		*s.sum = s.chart.Total
	}
	if d.Active7, err = c.o.Audit.ActiveUsers(ctx, now.Add(-7*24*time.Hour)); err != nil {
		c.fail(w, r, "count active users", err)
		return
	}
	if d.Active30, err = c.o.Audit.ActiveUsers(ctx, now.Add(-30*24*time.Hour)); err != nil {
		c.fail(w, r, "count active users", err)
		return
	}
	c.show(w, r, a, "dashboard", d)
}

// chart is a bar chart's geometry in SVG user units, ready for the
// template (which writes the SVG with html/template's escaping).
type chart struct {
	ID, Title string
	W, H      int
	// Base is the y of the x axis; Left the x of the y axis.
	Base, Left float64
	Bars       []bar
	Grid       []gridLine
	Total      int64
}

type bar struct {
	X, Y, W, H float64
	// LabelX is the centre of the bar, for its day label.
	LabelX float64
	Day    string // 2006-01-02
	Short  string // 01-02, written under every other bar
	Count  int64
}

type gridLine struct {
	Y     float64
	Label string
}

// Chart geometry.
const (
	chartW      = 640
	chartH      = 220
	chartLeft   = 40 // room for the y labels
	chartRight  = 8
	chartTop    = 12
	chartBottom = 28 // room for the day labels
)

// barChart lays out one bar per day, scaled to a round maximum with three
// grid lines (0, half, maximum).
func barChart(id, title string, days []audit.DayCount) chart {
	ch := chart{ID: id, Title: title, W: chartW, H: chartH, Base: chartH - chartBottom, Left: chartLeft}
	var peak int64
	for _, d := range days {
		ch.Total += d.Count
		peak = max(peak, d.Count)
	}
	top := niceCeil(peak)
	plotH := ch.Base - chartTop
	for _, v := range []int64{0, top / 2, top} {
		ch.Grid = append(ch.Grid, gridLine{Y: round1(ch.Base - plotH*float64(v)/float64(top)), Label: strconv.FormatInt(v, 10)})
	}
	if len(days) == 0 {
		return ch
	}
	slot := float64(chartW-chartLeft-chartRight) / float64(len(days))
	bw := round1(slot * 0.7)
	for i, d := range days {
		h := round1(plotH * float64(d.Count) / float64(top))
		x := chartLeft + slot*float64(i) + (slot-bw)/2
		b := bar{X: round1(x), Y: round1(ch.Base - h), W: bw, H: h, LabelX: round1(x + bw/2),
			Day: d.Day.Format("2006-01-02"), Count: d.Count}
		if (len(days)-1-i)%2 == 0 { // today always labelled
			b.Short = d.Day.Format("01-02")
		}
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

// niceCeil is the smallest of 1, 2, 5 x 10^k (k >= 0) at least n, and at
// least 2 so the half-way grid line is a whole number.
func niceCeil(n int64) int64 {
	if n <= 2 {
		return 2
	}
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
		}
		if p > math.MaxInt64/100 {
			return n
		}
	}
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
