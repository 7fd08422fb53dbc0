# Block critical and high findings, except where data.exceptions accepts a
# rule under a path (data.json beside this file).
package main

import rego.v1

deny_high contains {
	"fingerprint": f.fingerprint,
	"msg": sprintf("%s finding %s (%s) at %s", [f.severity, f.rule_id, f.tool, location(f)]),
	"matched": {"severity": f.severity},
} if {
	some f in input.findings
	f.severity in {"critical", "high"}
}

# An exception names the rule it exempts without its `deny_` prefix.
exception contains {
	"fingerprint": f.fingerprint,
	"rules": ["high"],
	"msg": e.reason,
} if {
	some f in input.findings
	some e in data.exceptions
	f.rule_id == e.rule_id
	is_string(f.path) # a finding without a location has a null path
	startswith(f.path, e.path_prefix)
}

location(f) := f.path if {
	is_string(f.path)
} else := "no location"
