module github.com/saba/compat-go

go 1.25.0

require github.com/mackerelio/mackerel-client-go v0.46.0
