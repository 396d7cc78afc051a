package cli

import (
	"fmt"
	"time"

	"nrm/gen"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, genCmd)
}

func genCmd(env *Env) *cobra.Command {
	var cases int
	var years, out string
	var seed uint64
	cmd := &cobra.Command{
		Use:   "gen --cases N --years A-B --seed S --out DIR",
		Short: "Write a synthetic data bundle of any size (deterministic for a seed; no real person)",
		Long: `Write a synthetic bundle — cases.csv, accommodations.csv, exits.csv, prosecutions.csv —
with distributions like the Danish status report's (nationalities, contact forms, gender, age,
forms of exploitation, US/CMM by residence status, shelter stays, exits). The same options give
the same files byte for byte. Used for benchmarks and load tests.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			from, to, err := gen.ParseYears(years)
			if err != nil {
				return err
			}
			if out == "" {
				return fmt.Errorf("%s", msg(env.lang(), "angiv en mappe med --out", "give a folder with --out"))
			}
			start := time.Now()
			s, err := gen.WriteDir(out, gen.Options{Cases: cases, FromYear: from, ToYear: to, Seed: seed})
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(),
				"Skrev %d sager (%d identificerede), %d ophold, %d udtrædelser og %d anklagerækker til %s på %s.\n",
				"Wrote %d cases (%d identified), %d stays, %d exits and %d prosecution rows to %s in %s.\n"),
				s.Cases, s.Identified, s.Accommodations, s.Exits, s.Prosecutions, out, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().IntVar(&cases, "cases", 1000, "number of cases")
	cmd.Flags().StringVar(&years, "years", "2007-2012", "years of the first contacts, A-B")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	cmd.Flags().StringVarP(&out, "out", "o", "", "output folder")
	return cmd
}
