package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

// source tells, of each flag set from the environment, the variable that set it, so that a
// message about a bad value names what the user wrote.
type source map[string]string

// parse reads the command line into fs, then sets each of envFlags that the command line
// left alone from its CONFAB_<NAME> variable; with no envFlags, every flag of fs takes its
// variable. The command line is read first so that --help works whatever the environment
// holds.
func parse(fs *flag.FlagSet, args []string, envFlags ...string) (source, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	onCommandLine := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	if len(envFlags) == 0 {
		fs.VisitAll(func(f *flag.Flag) { envFlags = append(envFlags, f.Name) })
	}

	src := make(source)
	var errs []error
	for _, name := range envFlags {
		variable := envName(name)
		v, ok := os.LookupEnv(variable)
		if !ok || onCommandLine[name] {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", variable, v, err))
		}
		src[name] = variable
	}
	return src, errors.Join(errs...)
}

// envName is the variable that may set the flag called name.
func envName(name string) string {
	return "CONFAB_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// name is the setting of flag as the user wrote it: the variable that set it, or --flag.
func (s source) name(flag string) string {
	if v, ok := s[flag]; ok {
		return v
	}
	return "--" + flag
}

// setting shows flag and its value as the user wrote them: "--udp-port 0" or
// "CONFAB_UDP_PORT=0".
func (s source) setting(flag string, value any) string {
	if v, ok := s[flag]; ok {
		return fmt.Sprintf("%s=%v", v, value)
	}
	return fmt.Sprintf("--%s %v", flag, value)
}
