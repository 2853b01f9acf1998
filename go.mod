module github.com/lwtgo/lwt

go 1.26
