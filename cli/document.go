package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"nrm"
	"nrm/sqlstore"

	"github.com/spf13/cobra"
)

func init() {
	commands = append(commands, documentsCmd)
	useWordsDA["ID"] = "ID"
	helpDA["nrm documents"] = helpText{short: "Sagens dokumenter: krypterede PDF-, JPEG- og PNG-filer (list, add, get, delete)"}
	helpDA["nrm documents list"] = helpText{
		short: "Vis en sags dokumenter, nyeste først (visningen logges)",
		flags: map[string]string{"json": flagJSONLines},
	}
	helpDA["nrm documents add"] = helpText{
		short: "Læg en fil på en sag: PDF, JPEG eller PNG, bedømt ud fra indholdet, højst documents.max_mb MB",
	}
	helpDA["nrm documents get"] = helpText{
		short: "Hent et dokument til en ny fil (hentningen logges)",
		flags: map[string]string{"out": "den fil, dokumentet skrives til (må ikke findes i forvejen)"},
	}
	helpDA["nrm documents delete"] = helpText{short: "Slet et dokument fra en sag (den ejende organisation eller en administrator; logges)"}
}

func documentsCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "documents", Short: "A case's documents: encrypted PDF, JPEG and PNG files (list, add, get, delete)"}

	var asJSON bool
	list := &cobra.Command{
		Use:   "list CASE_REF",
		Short: "Show a case's documents, newest first (the listing is audited)",
		Args:  cobra.ExactArgs(1),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			id, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			docs, err := db.FindDocuments(ctx, id)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				for _, d := range docs {
					if err := enc.Encode(d); err != nil {
						return err
					}
				}
				return nil
			}
			l := env.lang()
			if len(docs) == 0 {
				fmt.Fprintln(env.Stdout, msg(l, "Sagen har ingen dokumenter.", "The case has no documents."))
				return nil
			}
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, msg(l, "ID\tTYPE\tBYTE\tTILFØJET\tAF\tFILNAVN", "ID\tTYPE\tBYTES\tADDED\tBY\tFILE NAME"))
			for _, d := range docs {
				fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%s\t%s\n", d.ID, nrm.DocumentExt(d.ContentType), d.Size, nrm.DateOf(d.CreatedAt), d.UploadedBy, d.Name)
			}
			return w.Flush()
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON lines")

	add := &cobra.Command{
		Use:   "add CASE_REF FILE",
		Short: "Attach a file to a case: PDF, JPEG or PNG, judged from its content, at most documents.max_mb MB",
		Args:  cobra.ExactArgs(2),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			id, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			f, err := os.Open(args[1])
			if err != nil {
				return err
			}
			defer f.Close()
			data, err := io.ReadAll(io.LimitReader(f, db.DocumentMaxBytes(ctx)+1))
			if err != nil {
				return err
			}
			doc, err := db.AddDocument(ctx, id, args[1], data)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Dokument %d (%s, %d byte) er lagt på sag %s.\n", "Document %d (%s, %d bytes) was added to case %s.\n"),
				doc.ID, nrm.DocumentExt(doc.ContentType), doc.Size, args[0])
			return nil
		}),
	}

	var out string
	get := &cobra.Command{
		Use:   "get CASE_REF ID --out FILE",
		Short: "Save a document to a new file (the download is audited)",
		Args:  cobra.ExactArgs(2),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			did, err := parseID("document", args[1])
			if err != nil {
				return err
			}
			id, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			doc, data, err := db.OpenDocument(ctx, id, did)
			if err != nil {
				return err
			}
			defer clear(data)
			// The file is new and the owner's only: a document is never
			// written over another file, nor readable by others.
			f, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if errors.Is(err, os.ErrExist) {
				return &nrm.Error{Code: nrm.ECONFLICT, Message: fmt.Sprintf(msg(env.lang(), "%s findes allerede; et dokument skrives aldrig oven i en fil.",
					"%s already exists; a document is never written over a file."), out)}
			} else if err != nil {
				return err
			}
			if _, err := f.Write(data); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Dokument %d (%s) er gemt i %s.\n", "Document %d (%s) was saved to %s.\n"), doc.ID, doc.FileName(), out)
			return nil
		}),
	}
	get.Flags().StringVar(&out, "out", "", "the file to write the document to (must not exist)")
	get.MarkFlagRequired("out")

	del := &cobra.Command{
		Use:   "delete CASE_REF ID",
		Short: "Delete a document from a case (the owning organisation or an administrator; audited)",
		Args:  cobra.ExactArgs(2),
		RunE: env.withDB(func(cmd *cobra.Command, args []string, ctx context.Context, db *sqlstore.DB) error {
			did, err := parseID("document", args[1])
			if err != nil {
				return err
			}
			id, err := caseID(ctx, db, args[0])
			if err != nil {
				return err
			}
			if err := db.DeleteDocument(ctx, id, did); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, msg(env.lang(), "Dokument %d er slettet fra sag %s.\n", "Document %d was deleted from case %s.\n"), did, args[0])
			return nil
		}),
	}
	cmd.AddCommand(list, add, get, del)
	return cmd
}
