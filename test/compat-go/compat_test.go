// The compatibility suite: the official Go client (the one mackerel-agent, mkr and the Terraform
// provider use) against a running saba. `npm test` starts the local server and runs this with
// SABA_URL and SABA_API_KEY set; without them it fails, it never skips.
package compat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"testing"
	"time"

	mackerel "github.com/mackerelio/mackerel-client-go"
)

func client(t *testing.T) *mackerel.Client {
	t.Helper()
	url, key := os.Getenv("SABA_URL"), os.Getenv("SABA_API_KEY")
	if url == "" || key == "" {
		t.Fatal("SABA_URL and SABA_API_KEY must name a running saba (npm test sets them)")
	}
	c, err := mackerel.NewClientWithOptions(key, url, false)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// res carries a call's two results, so `r(c.Call()).ok(t)` reads like the call itself.
type res[T any] struct {
	v   T
	err error
}

func r[T any](v T, err error) res[T] { return res[T]{v, err} }

func (x res[T]) ok(t *testing.T) T {
	t.Helper()
	if x.err != nil {
		t.Fatalf("unexpected error: %v", x.err)
	}
	return x.v
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func apiStatus(t *testing.T, err error, want int) {
	t.Helper()
	apiErr, isAPI := err.(*mackerel.APIError)
	if !isAPI || apiErr.StatusCode != want {
		t.Fatalf("want an API error %d, got %v", want, err)
	}
	if apiErr.Message == "" {
		t.Fatalf("the %d carries no message", want)
	}
}

func f(v float64) *float64 { return &v }
func u(v uint64) *uint64   { return &v }

func TestOrgServicesRoles(t *testing.T) {
	c := client(t)
	org := r(c.GetOrg()).ok(t)
	if org.Name != "default" {
		t.Fatalf("org %q", org.Name)
	}
	svc := r(c.CreateService(&mackerel.CreateServiceParam{Name: "compat", Memo: "go client"})).ok(t)
	if svc.Name != "compat" || svc.Memo != "go client" {
		t.Fatalf("service %+v", svc)
	}
	role := r(c.CreateRole("compat", &mackerel.CreateRoleParam{Name: "web", Memo: "front"})).ok(t)
	if role.Name != "web" {
		t.Fatalf("role %+v", role)
	}
	roles := r(c.FindRoles("compat")).ok(t)
	if len(roles) != 1 || roles[0].Name != "web" {
		t.Fatalf("roles %+v", roles)
	}
	services := r(c.FindServices()).ok(t)
	found := false
	for _, s := range services {
		found = found || (s.Name == "compat" && reflect.DeepEqual(s.Roles, []string{"web"}))
	}
	if !found {
		t.Fatalf("services %+v", services)
	}
	_, err := c.CreateService(&mackerel.CreateServiceParam{Name: "x"})
	apiStatus(t, err, 400)
}

func newHost(t *testing.T, c *mackerel.Client, name string) string {
	t.Helper()
	return r(c.CreateHost(&mackerel.CreateHostParam{
		Name:          name,
		Meta:          mackerel.HostMeta{AgentVersion: "0.85.0", Kernel: mackerel.Kernel{"name": "Linux"}, Memory: mackerel.Memory{"total": "1024kB"}},
		Interfaces:    []mackerel.Interface{{Name: "eth0", IPv4Addresses: []string{"10.0.0.5"}, MacAddress: "aa:bb"}},
		RoleFullnames: []string{"compat:web"},
		Checks:        []mackerel.CheckConfig{{Name: "check-go", Memo: "from go"}},
	})).ok(t)
}

func TestHostsAndMetadata(t *testing.T) {
	c := client(t)
	ok(t, ignoreConflict(c.CreateService(&mackerel.CreateServiceParam{Name: "compat"})))
	id := newHost(t, c, "go-host-1")
	host := r(c.FindHost(id)).ok(t)
	if host.Name != "go-host-1" || host.Status == "" || !reflect.DeepEqual(host.Roles["compat"], []string{"web"}) || host.Meta.Kernel["name"] != "Linux" {
		t.Fatalf("host %+v", host)
	}
	ok(t, c.UpdateHostStatus(id, "standby"))
	hosts := r(c.FindHosts(&mackerel.FindHostsParam{Service: "compat", Roles: []string{"web"}, Statuses: []string{"standby"}})).ok(t)
	if len(hosts) != 1 || hosts[0].ID != id {
		t.Fatalf("hosts %+v", hosts)
	}
	_ = r(c.UpdateHost(id, &mackerel.UpdateHostParam{Name: "go-host-1b", Meta: host.Meta})).ok(t)
	ok(t, c.UpdateHostRoleFullnames(id, []string{"compat:web"}))
	ok(t, c.BulkUpdateHostStatuses([]string{id}, "working"))
	ok(t, c.PutHostMetaData(id, "inventory", map[string]any{"rack": "a1"}))
	meta := r(c.GetHostMetaData(id, "inventory")).ok(t)
	if meta.LastModified.IsZero() || !reflect.DeepEqual(meta.HostMetaData, map[string]any{"rack": "a1"}) {
		t.Fatalf("metadata %+v", meta)
	}
	if ns := r(c.GetHostMetaDataNameSpaces(id)).ok(t); !reflect.DeepEqual(ns, []string{"inventory"}) {
		t.Fatalf("namespaces %v", ns)
	}
	ok(t, c.DeleteHostMetaData(id, "inventory"))
	ok(t, c.PutServiceMetaData("compat", "owner", map[string]any{"team": "sre"}))
	if m := r(c.GetServiceMetaData("compat", "owner")).ok(t); m.LastModified.IsZero() {
		t.Fatal("no Last-Modified")
	}
	ok(t, c.PutRoleMetaData("compat", "web", "lb", []any{"a", "b"}))
	if m := r(c.GetRoleMetaData("compat", "web", "lb")).ok(t); !reflect.DeepEqual(m.RoleMetaData, []any{"a", "b"}) {
		t.Fatalf("role metadata %+v", m)
	}
	_, err := c.FindHost("no-such-host")
	apiStatus(t, err, 404)
	ok(t, c.RetireHost(id))
	ok(t, c.BulkRetireHosts([]string{newHost(t, c, "go-host-2")}))
}

func ignoreConflict[T any](_ T, err error) error {
	if apiErr, isAPI := err.(*mackerel.APIError); isAPI && apiErr.StatusCode == 400 {
		return nil
	}
	return err
}

func TestMetricsGraphsAnnotations(t *testing.T) {
	c := client(t)
	ok(t, ignoreConflict(c.CreateService(&mackerel.CreateServiceParam{Name: "compat"})))
	id := newHost(t, c, "go-metrics")
	now := time.Now().Unix()
	ok(t, c.PostHostMetricValuesByHostID(id, []*mackerel.MetricValue{{Name: "loadavg5", Time: now - 60, Value: 1.5}, {Name: "loadavg5", Time: now, Value: 2.5}, {Name: "custom.go.x", Time: now, Value: 1e21}}))
	ok(t, c.PostHostMetricValues([]*mackerel.HostMetricValue{{HostID: id, MetricValue: &mackerel.MetricValue{Name: "memory.used", Time: now, Value: 42}}}))
	ok(t, c.PostServiceMetricValues("compat", []*mackerel.MetricValue{{Name: "app.rps", Time: now, Value: 100}}))
	values := r(c.FetchHostMetricValues(id, "loadavg5", now-600, now)).ok(t)
	if len(values) != 2 || values[1].Value.(float64) != 2.5 {
		t.Fatalf("values %+v", values)
	}
	latest := r(c.FetchLatestMetricValues([]string{id}, []string{"loadavg5", "memory.used"})).ok(t)
	if latest[id]["memory.used"] == nil || latest[id]["memory.used"].Value.(float64) != 42 {
		t.Fatalf("latest %+v", latest)
	}
	names := r(c.ListHostMetricNames(id)).ok(t)
	sort.Strings(names)
	if !reflect.DeepEqual(names, []string{"custom.go.x", "loadavg5", "memory.used"}) {
		t.Fatalf("names %v", names)
	}
	if s := r(c.FetchServiceMetricValues("compat", "app.rps", now-60, now)).ok(t); len(s) != 1 {
		t.Fatalf("service values %+v", s)
	}
	if n := r(c.ListServiceMetricNames("compat")).ok(t); !reflect.DeepEqual(n, []string{"app.rps"}) {
		t.Fatalf("service names %v", n)
	}
	ok(t, c.CreateGraphDefs([]*mackerel.GraphDefsParam{{Name: "custom.go", Unit: "float", Metrics: []*mackerel.GraphDefsMetric{{Name: "custom.go.*", IsStacked: true}}}}))
	ok(t, c.DeleteGraphDef("custom.go"))
	a := r(c.CreateGraphAnnotation(&mackerel.GraphAnnotation{Title: "deploy abc123", Service: "compat", Roles: []string{"web"}, From: now - 60, To: now})).ok(t)
	if a.ID == "" {
		t.Fatal("annotation without id")
	}
	if list := r(c.FindGraphAnnotations("compat", now-3600, now)).ok(t); len(list) != 1 {
		t.Fatalf("annotations %+v", list)
	}
	_ = r(c.UpdateGraphAnnotation(a.ID, &mackerel.GraphAnnotation{Title: "deploy def456", Service: "compat", From: now - 60, To: now})).ok(t)
	_ = r(c.DeleteGraphAnnotation(a.ID)).ok(t)
}

func TestMonitorsOfEveryType(t *testing.T) {
	c := client(t)
	ok(t, ignoreConflict(c.CreateService(&mackerel.CreateServiceParam{Name: "compat"})))
	monitors := []mackerel.Monitor{
		&mackerel.MonitorConnectivity{Type: "connectivity", Name: "go connectivity", Scopes: []string{"compat"}, AlertStatusOnGone: "WARNING"},
		&mackerel.MonitorHostMetric{Type: "host", Name: "go load", Metric: "loadavg5", Operator: ">", Warning: f(4), Critical: f(8), Duration: 3, MaxCheckAttempts: 2, NotificationInterval: 30},
		&mackerel.MonitorHostMetric{Type: "host", Name: "go cpu", Metric: "cpu%", Operator: ">", Critical: f(90), Duration: 1},
		&mackerel.MonitorServiceMetric{Type: "service", Name: "go rps", Service: "compat", Metric: "app.rps", Operator: "<", Warning: f(10), Critical: f(1), Duration: 2, MissingDurationCritical: 20},
		&mackerel.MonitorExternalHTTP{Type: "external", Name: "go external", URL: "https://example.com/", Method: "GET", Service: "compat", ResponseTimeCritical: f(3000), ResponseTimeDuration: u(3), ContainsString: "Example", Headers: []mackerel.HeaderField{{Name: "X-Go", Value: "1"}}},
		&mackerel.MonitorExpression{Type: "expression", Name: "go expression", Expression: `max(role("compat:web", "loadavg5"))`, Operator: ">", Warning: f(5), Critical: f(10), EvaluateBackwardMinutes: u(3)},
	}
	for _, m := range monitors {
		created := r(c.CreateMonitor(m)).ok(t)
		if created.MonitorID() == "" || created.MonitorType() != m.MonitorType() || created.MonitorName() != m.MonitorName() {
			t.Fatalf("created %+v from %+v", created, m)
		}
		got := r(c.GetMonitor(created.MonitorID())).ok(t)
		if !reflect.DeepEqual(got, created) {
			t.Fatalf("GET %+v, created %+v", got, created)
		}
		updated := r(c.UpdateMonitor(created.MonitorID(), created)).ok(t)
		if !reflect.DeepEqual(updated, created) {
			t.Fatalf("PUT changed an unchanged monitor: %+v vs %+v", updated, created)
		}
	}
	all := r(c.FindMonitors()).ok(t)
	byName := map[string]mackerel.Monitor{}
	for _, m := range all {
		byName[m.MonitorName()] = m
	}
	for _, m := range monitors {
		if byName[m.MonitorName()] == nil {
			t.Fatalf("%s missing from FindMonitors (%d monitors)", m.MonitorName(), len(all))
		}
	}
	deleted := r(c.DeleteMonitor(byName["go cpu"].MonitorID())).ok(t)
	if deleted.MonitorName() != "go cpu" {
		t.Fatalf("deleted %+v", deleted)
	}
	_, err := c.CreateMonitor(&mackerel.MonitorHostMetric{Type: "host", Name: "bad", Metric: "loadavg5", Operator: ">", Critical: f(1), Duration: 11})
	apiStatus(t, err, 400)
}

// The anomaly detection monitor as the Terraform provider sends it (scopes with a space, the
// default of 3 attempts, no training period) and as mkr reads it back.
func TestAnomalyDetectionMonitor(t *testing.T) {
	c := client(t)
	ok(t, ignoreConflict(c.CreateService(&mackerel.CreateServiceParam{Name: "compat"})))
	role := fmt.Sprintf("ad%d", time.Now().UnixNano()%1_000_000_000)
	var hosts []string
	for i := 0; i < 3; i++ {
		hosts = append(hosts, r(c.CreateHost(&mackerel.CreateHostParam{Name: fmt.Sprintf("go-%s-%d", role, i), RoleFullnames: []string{"compat:" + role}})).ok(t))
	}
	defer func() { ok(t, c.BulkRetireHosts(hosts[1:])) }()
	m := &mackerel.MonitorAnomalyDetection{
		Type: "anomalyDetection", Name: "go anomaly " + role, Memo: "from go", NotificationInterval: 60,
		WarningSensitivity: "sensitive", CriticalSensitivity: "insensitive", MaxCheckAttempts: 3,
		TrainingPeriodFrom: uint64(time.Now().Add(-7 * 24 * time.Hour).Unix()),
		Scopes:             []string{"compat: " + role},
	}
	created := r(c.CreateMonitor(m)).ok(t).(*mackerel.MonitorAnomalyDetection)
	want := *m
	want.ID = created.ID
	want.Scopes = []string{"compat:" + role}
	if !reflect.DeepEqual(created, &want) {
		t.Fatalf("created %+v, want %+v", created, &want)
	}
	got := r(c.GetMonitor(created.ID)).ok(t)
	if !reflect.DeepEqual(got, created) {
		t.Fatalf("GET %+v, created %+v", got, created)
	}
	created.IsMute = true
	created.MaxCheckAttempts = 5
	updated := r(c.UpdateMonitor(created.ID, created)).ok(t)
	if !reflect.DeepEqual(updated, created) {
		t.Fatalf("PUT %+v, sent %+v", updated, created)
	}
	// One host of the role retires; `mkr monitors pull` then `push` (JSON file in between) still
	// saves the monitor unchanged: a role it already watches is not judged again.
	ok(t, c.RetireHost(hosts[0]))
	var pulled *mackerel.MonitorAnomalyDetection
	for _, x := range r(c.FindMonitors()).ok(t) {
		if x.MonitorID() == created.ID {
			pulled, _ = x.(*mackerel.MonitorAnomalyDetection)
		}
	}
	if pulled == nil {
		t.Fatal("FindMonitors lacks the anomaly detection monitor")
	}
	file := r(json.Marshal(pulled)).ok(t)
	fresh := &mackerel.MonitorAnomalyDetection{}
	ok(t, json.Unmarshal(file, fresh))
	pushed := r(c.UpdateMonitor(fresh.ID, fresh)).ok(t)
	if !reflect.DeepEqual(pushed, created) {
		t.Fatalf("push changed the monitor: %+v vs %+v", pushed, created)
	}
	// Defaults: no attempts given reads back Mackerel's 3, no training period reads back none.
	minimal := &mackerel.MonitorAnomalyDetection{Type: "anomalyDetection", Name: "go minimal " + role, CriticalSensitivity: "normal", Scopes: []string{"compat:" + role}}
	_, err := c.CreateMonitor(minimal)
	apiStatus(t, err, 400) // the role is watched already
	r(c.DeleteMonitor(created.ID)).ok(t)
	// A new monitor on the role is judged: two live hosts are too few, a third makes it enough.
	_, err = c.CreateMonitor(minimal)
	apiStatus(t, err, 400)
	hosts = append(hosts, r(c.CreateHost(&mackerel.CreateHostParam{Name: fmt.Sprintf("go-%s-3", role), RoleFullnames: []string{"compat:" + role}})).ok(t))
	made := r(c.CreateMonitor(minimal)).ok(t).(*mackerel.MonitorAnomalyDetection)
	if made.MaxCheckAttempts != 3 || made.TrainingPeriodFrom != 0 || made.WarningSensitivity != "" {
		t.Fatalf("defaults: %+v", made)
	}
	r(c.DeleteMonitor(made.ID)).ok(t)
	for _, bad := range [][]string{{"compat"}, {"compat:web-nobody"}, {}, nil} {
		_, err = c.CreateMonitor(&mackerel.MonitorAnomalyDetection{Type: "anomalyDetection", Name: "bad", WarningSensitivity: "normal", Scopes: bad})
		apiStatus(t, err, 400)
	}
	_, err = c.CreateMonitor(&mackerel.MonitorAnomalyDetection{Type: "anomalyDetection", Name: "bad", Scopes: []string{"compat:" + role}})
	apiStatus(t, err, 400) // no sensitivity
	_, err = c.CreateMonitor(&mackerel.MonitorAnomalyDetection{Type: "anomalyDetection", Name: "bad", WarningSensitivity: "normal", TrainingPeriodFrom: uint64(time.Now().Add(time.Hour).Unix()), Scopes: []string{"compat:" + role}})
	apiStatus(t, err, 400)
}

func TestChecksAlertsStatuses(t *testing.T) {
	c := client(t)
	ok(t, ignoreConflict(c.CreateService(&mackerel.CreateServiceParam{Name: "compat"})))
	id := newHost(t, c, "go-checks")
	now := time.Now().Unix()
	ok(t, c.PostCheckReports(&mackerel.CheckReports{Reports: []*mackerel.CheckReport{
		{Source: mackerel.NewCheckSourceHost(id), Name: "check-go", Status: mackerel.CheckStatusCritical, Message: "down\n", OccurredAt: now - 10},
		{Source: mackerel.NewCheckSourceHost(id), Name: "check-go-2", Status: mackerel.CheckStatusWarning, Message: "slow", OccurredAt: now - 10, NotificationInterval: 10, MaxCheckAttempts: 1},
	}}))
	checks := r(c.FindCheckMonitors(&mackerel.FindCheckMonitorsParam{})).ok(t)
	var checkID string
	for _, m := range checks.Checks {
		if m.Name == "check-go" {
			checkID = m.ID
		}
	}
	if checkID == "" {
		t.Fatalf("checks %+v", checks.Checks)
	}
	if one := r(c.FindCheckMonitor(checkID)).ok(t); one.Check.Name != "check-go" {
		t.Fatalf("check %+v", one)
	}
	statuses := r(c.ListMonitoredStatues(id)).ok(t)
	var seen bool
	for _, s := range statuses {
		if s.MonitorID == checkID {
			seen = s.Status == "CRITICAL" && s.Detail.Type == "check" && s.Detail.Message == "down\n" && s.Detail.Memo == "from go"
		}
	}
	if !seen {
		t.Fatalf("monitored statuses %+v", statuses)
	}
	alerts := r(c.FindAlerts()).ok(t)
	var alert *mackerel.Alert
	for _, a := range alerts.Alerts {
		if a.MonitorID == checkID && a.HostID == id {
			alert = a
		}
	}
	if alert == nil || alert.Type != "check" || alert.Status != "CRITICAL" || alert.OpenedAt == 0 {
		t.Fatalf("alerts %+v", alerts.Alerts)
	}
	if got := r(c.GetAlert(alert.ID)).ok(t); got.ID != alert.ID || got.Message != "down\n" {
		t.Fatalf("alert %+v", got)
	}
	if r := r(c.UpdateAlert(alert.ID, mackerel.UpdateAlertParam{Memo: "on it"})).ok(t); r.Memo != "on it" {
		t.Fatalf("memo %+v", r)
	}
	closed := r(c.CloseAlert(alert.ID, "fixed by hand")).ok(t)
	if closed.Status != "OK" || closed.Reason != "fixed by hand" || closed.ClosedAt == 0 {
		t.Fatalf("closed %+v", closed)
	}
	logs := r(c.FindAlertLogs(alert.ID, nil)).ok(t)
	if len(logs.AlertLogs) != 2 || logs.AlertLogs[0].Trigger != "manual" {
		t.Fatalf("logs %+v", logs.AlertLogs)
	}
	withClosed := r(c.FindWithClosedAlerts()).ok(t)
	if len(withClosed.Alerts) < 2 {
		t.Fatalf("with closed %+v", withClosed.Alerts)
	}
	if withClosed.NextID != "" {
		more := r(c.FindWithClosedAlertsByNextID(withClosed.NextID)).ok(t)
		_ = more
	}
	_, err := c.GetAlert("nope")
	apiStatus(t, err, 404)
	err = c.PostCheckReports(&mackerel.CheckReports{Reports: []*mackerel.CheckReport{{Source: mackerel.NewCheckSourceHost("nope"), Name: "x", Status: mackerel.CheckStatusOK, OccurredAt: now}}})
	apiStatus(t, err, 404)
}

func TestNotificationsDowntimesUsers(t *testing.T) {
	c := client(t)
	ok(t, ignoreConflict(c.CreateService(&mackerel.CreateServiceParam{Name: "compat"})))
	add := true
	hook := r(c.CreateChannel(&mackerel.Channel{Name: "go hook", Type: "webhook", URL: "https://hooks.example.com/go", Events: &[]string{"alert"}, AddToDefaultNotificationGroup: &add})).ok(t)
	if hook.ID == "" || hook.URL != "https://hooks.example.com/go" {
		t.Fatalf("channel %+v", hook)
	}
	slack := r(c.CreateChannel(&mackerel.Channel{Name: "go slack", Type: "slack", URL: "https://hooks.slack.com/services/A/B/C", Mentions: mackerel.Mentions{Critical: "@here"}})).ok(t)
	updated := r(c.UpdateChannel(slack.ID, &mackerel.Channel{Name: "go slack 2", Type: "slack", URL: "https://hooks.slack.com/services/A/B/D"})).ok(t)
	if updated.Name != "go slack 2" {
		t.Fatalf("updated %+v", updated)
	}
	channels := r(c.FindChannels()).ok(t)
	if len(channels) < 3 {
		t.Fatalf("channels %+v", channels)
	}
	monitors := r(c.FindMonitors()).ok(t)
	group := r(c.CreateNotificationGroup(&mackerel.NotificationGroup{
		Name:              "go group",
		NotificationLevel: mackerel.NotificationLevelCritical,
		ChildChannelIDs:   []string{hook.ID},
		Monitors:          []*mackerel.NotificationGroupMonitor{{ID: monitors[0].MonitorID(), SkipDefault: true}},
		Services:          []*mackerel.NotificationGroupService{{Name: "compat"}},
	})).ok(t)
	if group.ID == "" || group.Type != "group" || group.ChildNotificationGroupIDs == nil {
		t.Fatalf("group %+v", group)
	}
	group.Name = "go group 2"
	_ = r(c.UpdateNotificationGroup(group.ID, group)).ok(t)
	groups := r(c.FindNotificationGroups()).ok(t)
	if len(groups) < 2 {
		t.Fatalf("groups %+v", groups)
	}
	_ = r(c.DeleteNotificationGroup(group.ID)).ok(t)
	_ = r(c.DeleteChannel(slack.ID)).ok(t)

	down := r(c.CreateDowntime(&mackerel.Downtime{
		Name: "go downtime", Start: time.Now().Unix(), Duration: 60,
		Recurrence:    &mackerel.DowntimeRecurrence{Type: mackerel.DowntimeRecurrenceTypeWeekly, Interval: 1, Weekdays: []mackerel.DowntimeWeekday{mackerel.DowntimeWeekday(time.Monday)}},
		ServiceScopes: []string{"compat"},
	})).ok(t)
	if down.ID == "" || down.Recurrence == nil || len(down.Recurrence.Weekdays) != 1 {
		t.Fatalf("downtime %+v", down)
	}
	down.Duration = 30
	if d := r(c.UpdateDowntime(down.ID, down)).ok(t); d.Duration != 30 {
		t.Fatalf("downtime %+v", d)
	}
	if list := r(c.FindDowntimes()).ok(t); len(list) != 1 {
		t.Fatalf("downtimes %+v", list)
	}
	_ = r(c.DeleteDowntime(down.ID)).ok(t)

	inv := r(c.CreateInvitation(&mackerel.Invitation{Email: "go@example.com", Authority: "collaborator"})).ok(t)
	if inv.ExpiresAt == 0 {
		t.Fatalf("invitation %+v", inv)
	}
	if list := r(c.FindInvitations()).ok(t); len(list) != 1 || list[0].Email != "go@example.com" {
		t.Fatalf("invitations %+v", list)
	}
	users := r(c.FindUsers()).ok(t)
	var userID string
	for _, u := range users {
		if u.Email == "go@example.com" {
			userID = u.ID
		}
	}
	if userID == "" {
		t.Fatalf("users %+v", users)
	}
	if d := r(c.DeleteUser(userID)).ok(t); d.Email != "go@example.com" {
		t.Fatalf("deleted %+v", d)
	}
	_, err := c.DeleteUser(userID)
	apiStatus(t, err, 404)
}

// What `mkr monitors pull`, `push` and `diff` do, through the same client calls: every monitor
// written to a file and read back, pushed unchanged, and the server's list equal to the file after.
// (mkr itself is not served by the Go module proxy here, so its calls are made directly.)
func TestMonitorsRoundTripLikeMkr(t *testing.T) {
	c := client(t)
	ok(t, ignoreConflict(c.CreateService(&mackerel.CreateServiceParam{Name: "compat"})))
	_ = r(c.CreateMonitor(&mackerel.MonitorExternalHTTP{Type: "external", Name: "mkr external", URL: "https://example.com/", Method: "POST", RequestBody: "{}", ExpectedStatusCode: func() *int { v := 201; return &v }(), CertificationExpirationCritical: u(7), SkipCertificateVerification: true, FollowRedirect: true})).ok(t)
	pulled := r(c.FindMonitors()).ok(t)
	file := r(json.MarshalIndent(map[string]any{"monitors": pulled}, "", "    ")).ok(t)
	var decoded struct {
		Monitors []json.RawMessage `json:"monitors"`
	}
	ok(t, json.Unmarshal(file, &decoded))
	if len(decoded.Monitors) != len(pulled) || len(pulled) < 6 {
		t.Fatalf("pulled %d monitors, file holds %d", len(pulled), len(decoded.Monitors))
	}
	for i, raw := range decoded.Monitors {
		m := pulled[i]
		fresh := reflect.New(reflect.TypeOf(m).Elem()).Interface().(mackerel.Monitor)
		ok(t, json.Unmarshal(raw, fresh))
		pushed := r(c.UpdateMonitor(fresh.MonitorID(), fresh)).ok(t)
		if !reflect.DeepEqual(pushed, m) {
			t.Fatalf("push changed %s:\n%+v\n%+v", m.MonitorName(), pushed, m)
		}
	}
	after := r(c.FindMonitors()).ok(t)
	if !reflect.DeepEqual(after, pulled) {
		t.Fatalf("diff after push is not empty:\n%+v\n%+v", after, pulled)
	}
}

// mkrJSON is what mkr's format.JSONMarshalIndent writes: indented JSON without HTML escaping.
func mkrJSON(t *testing.T, v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	ok(t, enc.Encode(v))
	return b.Bytes()
}

// mkrPush is `mkr dashboards push -F file` (mkr dashboards/command.go): decode the file; with an id,
// FindDashboard(id) then UpdateDashboard(id, &d); without one, CreateDashboard(&d).
func mkrPush(c *mackerel.Client, file []byte) (*mackerel.Dashboard, error) {
	var d mackerel.Dashboard
	if err := json.NewDecoder(bytes.NewReader(file)).Decode(&d); err != nil {
		return nil, err
	}
	if d.ID == "" {
		return c.CreateDashboard(&d)
	}
	if _, err := c.FindDashboard(d.ID); err != nil {
		return nil, err
	}
	return c.UpdateDashboard(d.ID, &d)
}

// Dashboards the way `mkr dashboards pull` and `push` move them (mkr dashboards/command.go): pull
// without --id writes each entry of FindDashboards() to dashboard-<id>.json as it is; push reads a
// file back. Every widget type, unset sub-objects sent as null by the client.
func TestDashboardsPullPushLikeMkr(t *testing.T) {
	c := client(t)
	ok(t, ignoreConflict(c.CreateService(&mackerel.CreateServiceParam{Name: "compat"})))
	ok(t, ignoreConflict(c.CreateRole("compat", &mackerel.CreateRoleParam{Name: "web", Memo: ""})))
	two := int64(2)
	sent := &mackerel.Dashboard{
		Title:   "compat board",
		URLPath: "compat/board",
		Memo:    "all widget types",
		Widgets: []mackerel.Widget{
			{Type: "markdown", Title: "notes", Markdown: "# Runbook\n\n- restart *gently* <b>&</b>", Layout: mackerel.Layout{X: 0, Y: 0, Width: 24, Height: 3}},
			{Type: "graph", Title: "load", Graph: mackerel.Graph{Type: "role", RoleFullName: "compat:web", Name: "loadavg5", IsStacked: true}, Range: mackerel.Range{Type: "relative", Period: 3600, Offset: -600}, ReferenceLines: []mackerel.ReferenceLine{{Label: "limit", Value: 4}}, Layout: mackerel.Layout{X: 0, Y: 3, Width: 12, Height: 8}},
			{Type: "graph", Title: "svc", Graph: mackerel.Graph{Type: "service", ServiceName: "compat", Name: "custom.requests"}, Range: mackerel.Range{Type: "absolute", Start: 1700000000, End: 1700003600}, Layout: mackerel.Layout{X: 12, Y: 3, Width: 12, Height: 8}},
			{Type: "value", Title: "errors", Metric: mackerel.Metric{Type: "expression", Expression: "avg(role(compat:web, loadavg5))"}, FractionSize: &two, Suffix: "req", FormatRules: []mackerel.FormatRule{{Name: "bad", Threshold: 10, Operator: ">"}}, Layout: mackerel.Layout{X: 0, Y: 11, Width: 6, Height: 4}},
			{Type: "alertStatus", Title: "web alerts", RoleFullName: "compat:web", Layout: mackerel.Layout{X: 6, Y: 11, Width: 6, Height: 4}},
		},
	}
	created := r(c.CreateDashboard(sent)).ok(t)
	// As Mackerel answers: a graph without reference lines has an empty list of them.
	want := append([]mackerel.Widget(nil), sent.Widgets...)
	want[2].ReferenceLines = []mackerel.ReferenceLine{}
	if created.ID == "" || created.CreatedAt == 0 || !reflect.DeepEqual(created.Widgets, want) {
		t.Fatalf("created differs from what was sent:\n%+v\n%+v", created.Widgets, want)
	}
	_, err := c.CreateDashboard(&mackerel.Dashboard{Title: "same path", URLPath: "compat/board"})
	apiStatus(t, err, 409)
	_, err = c.CreateDashboard(&mackerel.Dashboard{Title: "bad", URLPath: "-nope"})
	apiStatus(t, err, 400)

	// mkr dashboards pull: every entry of the list, as it is, into its file.
	files := map[string][]byte{}
	for _, d := range r(c.FindDashboards()).ok(t) {
		files[d.ID] = mkrJSON(t, d)
	}
	file, found := files[created.ID]
	if !found {
		t.Fatalf("the list lacks the dashboard %s", created.ID)
	}
	// mkr dashboards push -F dashboard-<id>.json: nothing changes, every widget is still there.
	pushed := r(mkrPush(c, file)).ok(t)
	after := r(c.FindDashboard(created.ID)).ok(t)
	if !reflect.DeepEqual(after.Widgets, created.Widgets) || !reflect.DeepEqual(pushed.Widgets, created.Widgets) {
		t.Fatalf("pull then push changed the widgets:\n%+v\n%+v", after.Widgets, created.Widgets)
	}
	// A file from before (no widgets, as a list without them gave) is refused, and loses nothing.
	var stale mackerel.Dashboard
	ok(t, json.Unmarshal(file, &stale))
	stale.Widgets = nil
	_, err = mkrPush(c, mkrJSON(t, stale))
	apiStatus(t, err, 400)
	if still := r(c.FindDashboard(created.ID)).ok(t); len(still.Widgets) != len(sent.Widgets) {
		t.Fatalf("a refused push changed the dashboard: %d widgets", len(still.Widgets))
	}
	// Push without an id creates a copy.
	var copied mackerel.Dashboard
	ok(t, json.Unmarshal(file, &copied))
	copied.ID, copied.URLPath = "", "compat/board-copy"
	made := r(mkrPush(c, mkrJSON(t, copied))).ok(t)
	if made.ID == created.ID || len(made.Widgets) != len(sent.Widgets) {
		t.Fatalf("push without id should create a copy: %+v", made)
	}
	ok(t, ignoreConflict(c.DeleteDashboard(made.ID)))

	deleted := r(c.DeleteDashboard(created.ID)).ok(t)
	if deleted.ID != created.ID {
		t.Fatalf("delete answered %+v", deleted)
	}
	_, err = c.FindDashboard(created.ID)
	apiStatus(t, err, 404)
}

// The AWS integration calls, as the Terraform provider's mackerel_aws_integration resource makes them:
// every service sent, the unconfigured ones disabled; read back and compared field by field.
func TestAWSIntegrations(t *testing.T) {
	c := client(t)
	role := "compat:web"
	services := map[string]*mackerel.AWSIntegrationService{
		"EC2":        {Enable: true, Role: &role, ExcludedMetrics: []string{"ec2.cpu_credit.used"}, RetireAutomatically: true},
		"SQS":        {Enable: true, ExcludedMetrics: []string{}},
		"CloudFront": {Enable: false, ExcludedMetrics: []string{}},
	}
	param := &mackerel.CreateAWSIntegrationParam{
		Name: "go-aws", Memo: "from client-go", Region: "ap-northeast-1",
		IncludedTags: "team:web", ExcludedTags: "env:staging", Services: services,
	}
	created := r(c.CreateAWSIntegration(param)).ok(t)
	if created.ID == "" || created.Name != "go-aws" || created.Key != "" || created.RoleArn != "" {
		t.Fatalf("created %+v", created)
	}
	got := r(c.FindAWSIntegration(created.ID)).ok(t)
	if !reflect.DeepEqual(got, created) {
		t.Fatalf("read %+v, created %+v", got, created)
	}
	ec2 := got.Services["EC2"]
	if !ec2.Enable || ec2.Role == nil || *ec2.Role != role || !ec2.RetireAutomatically ||
		!reflect.DeepEqual(ec2.ExcludedMetrics, []string{"ec2.cpu_credit.used"}) || got.Services["CloudFront"].Enable {
		t.Fatalf("services %+v", got.Services)
	}
	externalID := r(c.CreateAWSIntegrationExternalID()).ok(t)
	update := mackerel.UpdateAWSIntegrationParam(*param)
	update.RoleArn = "arn:aws:iam::123456789012:role/SabaReader"
	update.ExternalID = externalID
	updated := r(c.UpdateAWSIntegration(created.ID, &update)).ok(t)
	if updated.RoleArn != update.RoleArn || updated.ExternalID != externalID {
		t.Fatalf("updated %+v", updated)
	}
	list := r(c.FindAWSIntegrations()).ok(t)
	if len(list) != 1 || list[0].ID != created.ID {
		t.Fatalf("list %+v", list)
	}
	metrics := *r(c.ListAWSIntegrationExcludableMetrics()).ok(t)
	if len(metrics["EC2"]) == 0 || len(metrics["Lambda"]) == 0 {
		t.Fatalf("excludable %v", metrics)
	}
	bad := *param
	bad.Services = map[string]*mackerel.AWSIntegrationService{"EC3": {Enable: true}}
	_, err := c.CreateAWSIntegration(&bad)
	apiStatus(t, err, 400)
	deleted := r(c.DeleteAWSIntegration(created.ID)).ok(t)
	if deleted.ID != created.ID {
		t.Fatalf("deleted %+v", deleted)
	}
	_, err = c.FindAWSIntegration(created.ID)
	apiStatus(t, err, 404)
}

// What the Terraform provider's mackerel_alert_group_setting does, call for call: create with a
// name only, read back (no scopes, interval 0), update with a service, a role (`service:role`, the
// role resource's id) and a monitor and a 60-minute interval, read back, import (list), destroy.
func TestAlertGroupSettings(t *testing.T) {
	c := client(t)
	ok(t, ignoreConflict(c.CreateService(&mackerel.CreateServiceParam{Name: "compat"})))
	ok(t, ignoreConflict(c.CreateRole("compat", &mackerel.CreateRoleParam{Name: "grouped"})))
	created := r(c.CreateAlertGroupSetting(&mackerel.AlertGroupSetting{Name: "go alert group"})).ok(t)
	if created.ID == "" {
		t.Fatalf("created %+v", created)
	}
	got := r(c.GetAlertGroupSetting(created.ID)).ok(t)
	if got.Name != "go alert group" || got.Memo != "" || len(got.ServiceScopes)+len(got.RoleScopes)+len(got.MonitorScopes) != 0 || got.NotificationInterval != 0 {
		t.Fatalf("read %+v", got)
	}
	monitor := r(c.CreateMonitor(&mackerel.MonitorConnectivity{Type: "connectivity", Name: "go grouped connectivity"})).ok(t)
	want := &mackerel.AlertGroupSetting{
		Name:                 "go alert group updated",
		Memo:                 "This alert group setting is managed by Terraform.",
		ServiceScopes:        []string{"compat"},
		RoleScopes:           []string{"compat:grouped"},
		MonitorScopes:        []string{monitor.MonitorID()},
		NotificationInterval: 60,
	}
	updated := r(c.UpdateAlertGroupSetting(created.ID, want)).ok(t)
	want.ID = created.ID
	if !reflect.DeepEqual(updated, want) {
		t.Fatalf("updated %+v, want %+v", updated, want)
	}
	if got := r(c.GetAlertGroupSetting(created.ID)).ok(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("read %+v, want %+v", got, want)
	}
	found := false
	for _, s := range r(c.FindAlertGroupSettings()).ok(t) {
		found = found || reflect.DeepEqual(s, want)
	}
	if !found {
		t.Fatalf("%s not listed", created.ID)
	}
	_, err := c.UpdateAlertGroupSetting(created.ID, &mackerel.AlertGroupSetting{Name: "x", RoleScopes: []string{"compat:nope"}})
	apiStatus(t, err, 400)
	if got := r(c.GetAlertGroupSetting(created.ID)).ok(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("a refused update changed it: %+v", got)
	}
	if d := r(c.DeleteAlertGroupSetting(created.ID)).ok(t); d.ID != created.ID {
		t.Fatalf("deleted %+v", d)
	}
	_, err = c.GetAlertGroupSetting(created.ID)
	apiStatus(t, err, 404)
	_, err = c.DeleteAlertGroupSetting(created.ID)
	apiStatus(t, err, 404)
	_ = r(c.DeleteMonitor(monitor.MonitorID())).ok(t)
}

// Query monitors through client-go, as the Terraform provider's `query` block and mkr use them:
// created, listed and read back as *MonitorQuery with every field, updated, deleted; a query that
// does not parse is a 400.
func TestQueryMonitor(t *testing.T) {
	c := client(t)
	backward := uint64(0)
	want := &mackerel.MonitorQuery{
		Type:                    "query",
		Name:                    "go queue backlog",
		Memo:                    "labeled metrics",
		Query:                   `sum by (queue) (queue.depth{service.name="mailer"})`,
		Legend:                  "queue {{queue}}",
		Operator:                ">",
		Warning:                 f(50),
		Critical:                f(100),
		NotificationInterval:    30,
		EvaluateBackwardMinutes: &backward,
	}
	created := r(c.CreateMonitor(want)).ok(t).(*mackerel.MonitorQuery)
	if created.ID == "" {
		t.Fatalf("created %+v", created)
	}
	want.ID = created.ID
	if !reflect.DeepEqual(created, want) {
		t.Fatalf("created %+v, want %+v", created, want)
	}
	got, ok := r(c.GetMonitor(created.ID)).ok(t).(*mackerel.MonitorQuery)
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("read %+v, want %+v", got, want)
	}
	listed := false
	for _, m := range r(c.FindMonitors()).ok(t) {
		if q, ok := m.(*mackerel.MonitorQuery); ok && reflect.DeepEqual(q, want) {
			listed = true
		}
	}
	if !listed {
		t.Fatalf("%s not listed as a query monitor", created.ID)
	}
	want.Critical = nil
	want.Legend = ""
	updated := r(c.UpdateMonitor(created.ID, want)).ok(t).(*mackerel.MonitorQuery)
	if !reflect.DeepEqual(updated, want) {
		t.Fatalf("updated %+v, want %+v", updated, want)
	}
	_, err := c.UpdateMonitor(created.ID, &mackerel.MonitorQuery{Type: "query", Name: "x", Query: "sum(", Operator: ">", Warning: f(1)})
	apiStatus(t, err, 400)
	if d := r(c.DeleteMonitor(created.ID)).ok(t); d.MonitorID() != created.ID {
		t.Fatalf("deleted %+v", d)
	}
}
