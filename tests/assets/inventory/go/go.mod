// Shape: a module file as `go mod tidy` (Go 1.22) writes it; directives from
// https://go.dev/ref/mod#go-mod-file (replace, exclude, retract, toolchain).
module example.com/service

go 1.22.0

toolchain go1.22.5

require (
	github.com/gorilla/mux v1.8.1
	golang.org/x/net v0.25.0
	example.com/internal/auth v0.3.0
	github.com/sirupsen/logrus v1.9.3
)

require (
	golang.org/x/sys v0.20.0 // indirect
	golang.org/x/text v0.15.0 // indirect; pulled in by x/net
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

require "github.com/pkg/errors" v0.9.1

exclude golang.org/x/net v0.24.0

replace example.com/internal/auth => ../auth

replace github.com/sirupsen/logrus v1.9.3 => github.com/example/logrus v1.9.4-patched

replace (
	gopkg.in/yaml.v3 => gopkg.in/yaml.v3 v3.0.0
	gopkg.in/yaml.v3 v3.0.1 => gopkg.in/yaml.v3 v3.0.2
)

retract v0.1.0 // published by mistake
