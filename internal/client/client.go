// Package client is the CLI's HTTP client of a running service: GitHub's
// Copilot API (so it works against api.github.com as well as seatkeeper)
// and seatkeeper's control API under /_seatkeeper.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// Client calls the API at Base (https://api.github.com,
// http://127.0.0.1:8080, or a GitHub Enterprise Server's
// https://HOST/api/v3) with Token.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// New checks base and returns a client of it, sending requests through
// transport (nil: http.DefaultTransport).
func New(base, token string, transport http.RoundTripper) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("server %q is not an http:// or https:// URL such as http://127.0.0.1:8080 or https://api.github.com", base)
	}
	if token == "" {
		return nil, fmt.Errorf("a token is required with a server (--token or SEATKEEPER_TOKEN)")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &Client{base: u, token: token, http: &http.Client{Transport: transport, Timeout: 5 * time.Minute}}, nil
}

// Error is an answer other than 2xx: its status and GitHub's message.
type Error struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.Path, e.Status, http.StatusText(e.Status), e.Message)
}

// do sends a request to path (relative to the base, or an absolute URL the
// server gave) and returns the answer when it is 2xx.
func (c *Client) do(ctx context.Context, method, path string, body any, accept string) (*http.Response, error) {
	target := path
	if !strings.HasPrefix(path, "http://") && !strings.HasPrefix(path, "https://") {
		target = c.base.String() + path
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", accept)
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "seatkeeper-cli")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	return nil, errorOf(resp)
}

// errorOf is the Error of a non-2xx answer, whose body it reads and closes.
func errorOf(resp *http.Response) error {
	defer resp.Body.Close()
	var e struct {
		Message string `json:"message"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if json.Unmarshal(raw, &e) != nil || e.Message == "" {
		e.Message = strings.TrimSpace(string(raw))
	}
	return &Error{Method: resp.Request.Method, Path: resp.Request.URL.Path, Status: resp.StatusCode, Message: e.Message}
}

// getJSON decodes the answer to GET path into out and returns its Link
// header's next URL, if any.
func (c *Client) getJSON(ctx context.Context, path string, out any) (next string, err error) {
	resp, err := c.do(ctx, http.MethodGet, path, nil, "application/vnd.github+json")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if err := decode(resp, out); err != nil {
		return "", err
	}
	return nextLink(resp.Header.Get("Link")), nil
}

func decode(resp *http.Response, out any) error {
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", resp.Request.Method, resp.Request.URL.Path, err)
	}
	return nil
}

// nextLink is the rel="next" URL of a Link header, or "".
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if ok && strings.Contains(params, `rel="next"`) {
			return strings.Trim(strings.TrimSpace(target), "<>")
		}
	}
	return ""
}

// Plan returns the organization's Copilot plan (business or enterprise).
func (c *Client) Plan(ctx context.Context, org string) (string, error) {
	var billing struct {
		PlanType string `json:"plan_type"`
	}
	if _, err := c.getJSON(ctx, "/orgs/"+url.PathEscape(org)+"/copilot/billing", &billing); err != nil {
		return "", err
	}
	return billing.PlanType, nil
}

type seatJSON struct {
	CreatedAt     time.Time `json:"created_at"`
	Assignee      struct{ Login string }
	AssigningTeam *struct {
		Slug    string `json:"slug"`
		HTMLURL string `json:"html_url"`
		URL     string `json:"url"`
	} `json:"assigning_team"`
	PendingCancellationDate *string    `json:"pending_cancellation_date"`
	LastActivityAt          *time.Time `json:"last_activity_at"`
	LastActivityEditor      *string    `json:"last_activity_editor"`
	PlanType                string     `json:"plan_type"`
	Organization            *struct {
		Login string `json:"login"`
	} `json:"organization"`
}

// Seats lists every seat of the organization, following the seat list's
// pages, as seats of plan (unless a seat names its own). progress, when
// set, is called after each page with the seats read and the total.
func (c *Client) Seats(ctx context.Context, org, plan string, progress func(done, total int)) ([]seatkeeper.Seat, error) {
	return c.seatList(ctx, "/orgs/"+url.PathEscape(org)+"/copilot/billing/seats", func(seatJSON) (string, error) { return plan, nil }, progress)
}

// EnterpriseSeats lists every seat of the enterprise, following the
// enterprise seat list's pages: the seats of its organizations, Org set
// (by login), and those the enterprise holds itself (organization null,
// Org empty). A seat that does not name its plan takes its
// organization's (read once for each), or business when it has none.
func (c *Client) EnterpriseSeats(ctx context.Context, enterprise string, progress func(done, total int)) ([]seatkeeper.Seat, error) {
	plans := map[string]string{}
	return c.seatList(ctx, "/enterprises/"+url.PathEscape(enterprise)+"/copilot/billing/seats", func(s seatJSON) (string, error) {
		if s.Organization == nil {
			return seatkeeper.PlanBusiness, nil
		}
		login := s.Organization.Login
		if _, ok := plans[login]; !ok {
			plan, err := c.Plan(ctx, login)
			if err != nil {
				return "", err
			}
			plans[login] = plan
		}
		return plans[login], nil
	}, progress)
}

// seatList reads every page of a seat list from path, each seat of the
// plan planOf gives it unless it names its own.
func (c *Client) seatList(ctx context.Context, path string, planOf func(seatJSON) (string, error), progress func(done, total int)) ([]seatkeeper.Seat, error) {
	var seats []seatkeeper.Seat
	next := path + "?per_page=100"
	for next != "" {
		var page struct {
			TotalSeats int        `json:"total_seats"`
			Seats      []seatJSON `json:"seats"`
		}
		var err error
		if next, err = c.getJSON(ctx, next, &page); err != nil {
			return nil, err
		}
		for _, s := range page.Seats {
			plan := s.PlanType
			if plan == "" {
				if plan, err = planOf(s); err != nil {
					return nil, err
				}
			}
			seat, err := s.seat(plan)
			if err != nil {
				return nil, err
			}
			seats = append(seats, seat)
		}
		if progress != nil {
			progress(len(seats), page.TotalSeats)
		}
	}
	return seats, nil
}

func (s seatJSON) seat(plan string) (seatkeeper.Seat, error) {
	out := seatkeeper.Seat{User: seatkeeper.User{Login: s.Assignee.Login}, PlanType: plan, CreatedAt: s.CreatedAt}
	if s.Organization != nil {
		out.Org.Login = s.Organization.Login
	}
	if s.LastActivityAt != nil {
		out.Activity.LastActivityAt = s.LastActivityAt
	}
	if s.LastActivityEditor != nil {
		out.Activity.LastActivityEditor = *s.LastActivityEditor
	}
	if t := s.AssigningTeam; t != nil {
		if strings.Contains(t.HTMLURL, "/enterprises/") || strings.Contains(t.URL, "/enterprises/") {
			out.EnterpriseTeam = &seatkeeper.EnterpriseTeam{Slug: t.Slug}
		} else {
			out.Team = &seatkeeper.Team{Slug: t.Slug}
		}
	}
	if p := s.PendingCancellationDate; p != nil {
		d, err := seatkeeper.ParseDate(*p)
		if err != nil {
			return out, fmt.Errorf("seat of %s: pending_cancellation_date %q: %w", s.Assignee.Login, *p, err)
		}
		out.PendingCancellationDate = &d
	}
	return out, nil
}
