package main

import "testing"

func TestLogOnlyWhatTerraformKeeps(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want map[string]string // the SDK variables afterwards
	}{
		{name: "TF_LOG unset: Terraform keeps nothing", env: map[string]string{},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_CFSECRETS": "OFF"}},
		{name: "TF_LOG level", env: map[string]string{"TF_LOG": "debug"},
			want: map[string]string{"TF_LOG_SDK": "DEBUG", "TF_LOG_SDK_PROTO": "DEBUG", "TF_LOG_SDK_FRAMEWORK": "DEBUG", "TF_LOG_PROVIDER_CFSECRETS": "DEBUG"}},
		{name: "TF_LOG_PROVIDER wins over TF_LOG", env: map[string]string{"TF_LOG": "TRACE", "TF_LOG_PROVIDER": "WARN"},
			want: map[string]string{"TF_LOG_SDK": "WARN", "TF_LOG_PROVIDER_CFSECRETS": "WARN"}},
		{name: "TF_LOG=off", env: map[string]string{"TF_LOG": "off"},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER_CFSECRETS": "OFF"}},
		{name: "TF_LOG=JSON is TRACE", env: map[string]string{"TF_LOG": "JSON"},
			want: map[string]string{"TF_LOG_SDK_FRAMEWORK": "TRACE"}},
		{name: "a value that is no level is TRACE, as Terraform reads it", env: map[string]string{"TF_LOG": "1"},
			want: map[string]string{"TF_LOG_SDK": "TRACE"}},
		{name: "what the user set is kept", env: map[string]string{"TF_LOG": "INFO", "TF_LOG_SDK_FRAMEWORK": "TRACE", "TF_LOG_PROVIDER_CFSECRETS": "ERROR"},
			want: map[string]string{"TF_LOG_SDK": "INFO", "TF_LOG_SDK_FRAMEWORK": "TRACE", "TF_LOG_PROVIDER_CFSECRETS": "ERROR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = v
			}
			lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
			logOnlyWhatTerraformKeeps(lookup, func(name, value string) error { env[name] = value; return nil })
			for name, want := range tt.want {
				if env[name] != want {
					t.Errorf("%s = %q, want %q", name, env[name], want)
				}
			}
		})
	}
}
